// One TCP connection to an instance. It carries one exchange at a time: the client connection
// (its sink) writes the request through it, and it parses just enough of the response (the
// head, then the body framing) to know where the response ends, forwarding bytes unchanged.
import { connect, type Socket } from 'node:net';
import { BodyFramer } from './body-framer.js';
import { HEAD_LIMIT } from './options.js';
import { HeadScanner, SCAN_INCOMPLETE, SCAN_TOO_LARGE } from './head-scanner.js';
import { BODY_CLOSE, ResponseHead, parseResponseHead, responseBodyKind } from './response-head.js';

/** The client side of an exchange, told what happens upstream. */
export interface UpstreamSink {
  onUpstreamConnect(up: UpstreamConnection): void;
  /** A new connection could not be made; the request was not sent. */
  onUpstreamConnectError(up: UpstreamConnection, reason: string): void;
  /** Response bytes to forward; false when the client is congested (the upstream pauses). */
  onResponseData(data: Buffer): boolean;
  /** The whole response was forwarded. `closeClient`: the response ends the client connection. */
  onResponseEnd(up: UpstreamConnection, closeClient: boolean): void;
  /** The connection failed after the request was (partly) sent. */
  onUpstreamError(up: UpstreamConnection, reason: string): void;
  onUpstreamDrain(): void;
}

/** The pool that owns the connection; told when it closes. */
export interface UpstreamOwner {
  forget(up: UpstreamConnection): void;
}

export const UP_CONNECTING = 0;
export const UP_IDLE = 1;
export const UP_BUSY = 2;
export const UP_CLOSED = 3;
export type UpstreamState = typeof UP_CONNECTING | typeof UP_IDLE | typeof UP_BUSY | typeof UP_CLOSED;

export class UpstreamConnection {
  readonly #socket: Socket;
  state: UpstreamState = UP_CONNECTING;
  /** Deadline (ms, monotonic) for the connect or, when idle, for closing. 0 = none. */
  deadline = 0;
  /** How long the instance keeps an idle connection (its Keep-Alive: timeout), -1 unknown. */
  keepAliveTimeoutMs = -1;
  /** Set when the response ended: the connection may carry another exchange. */
  reusable = false;

  readonly #owner: UpstreamOwner;
  #sink: UpstreamSink | null = null;
  readonly #scanner = new HeadScanner(HEAD_LIMIT);
  readonly #head = new ResponseHead();
  readonly #framer = new BodyFramer();
  #inHead = true;
  #requestWasHead = false;
  #error = '';

  constructor(owner: UpstreamOwner, host: string, port: number, connectDeadline: number) {
    this.#owner = owner;
    this.deadline = connectDeadline;
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('connect', this.#onConnect);
    this.#socket.on('data', this.#onData);
    this.#socket.on('end', this.#onEnd);
    this.#socket.on('error', this.#onError);
    this.#socket.on('close', this.#onClose);
    this.#socket.on('drain', this.#onDrain);
  }

  /** Starts an exchange for `sink`; the request will be written by the sink. */
  begin(sink: UpstreamSink, requestWasHead: boolean): void {
    this.#sink = sink;
    this.#requestWasHead = requestWasHead;
    this.#inHead = true;
    this.#scanner.reset();
    this.reusable = false;
    if (this.state === UP_IDLE) {
      this.state = UP_BUSY;
      this.deadline = 0;
    }
  }

  /** Ends the exchange without closing: the pool may keep the connection. */
  detach(): void {
    this.#sink = null;
    if (this.#socket.isPaused()) this.#socket.resume();
  }

  write(data: Buffer): boolean {
    return this.#socket.write(data);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  /** Closes the connection now; the sink, if any, is not told. */
  destroy(): void {
    this.#sink = null;
    this.#terminate('closed by the gateway');
  }

  /** The connect took too long: treated like a refused connection. */
  connectTimedOut(ms: number): void {
    this.#terminate(`connect timeout after ${ms} ms`);
  }

  #onConnect = (): void => {
    if (this.state !== UP_CONNECTING) return;
    this.state = UP_BUSY;
    this.deadline = 0;
    if (this.#sink === null) this.#terminate('no exchange to carry');
    else this.#sink.onUpstreamConnect(this);
  };

  #onData = (chunk: Buffer): void => {
    if (this.#sink === null || this.state !== UP_BUSY) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.#terminate('unsolicited data from the instance');
      return;
    }
    if (this.#inHead) this.#readHead(chunk);
    else this.#readBody(chunk);
  };

  /** Reads response heads (interim ones are forwarded as they come) and the body bytes after the final one. */
  #readHead(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    for (;;) {
      const status = this.#scanner.push(buf, pos);
      if (status === SCAN_INCOMPLETE) return;
      if (status === SCAN_TOO_LARGE) return this.#fail(`response head exceeds ${HEAD_LIMIT} bytes`);
      buf = this.#scanner.buf;
      const start = this.#scanner.start;
      const headEnd = this.#scanner.headEnd;
      const head = this.#head;
      const problem = parseResponseHead(buf, start, headEnd, head);
      if (problem !== null) return this.#fail(`malformed response: ${problem}`);
      if (head.status < 200) {
        if (head.status === 101) return this.#fail('unexpected 101 Switching Protocols');
        // Interim response (100, 103, ...): forward it and read the next head.
        if (!this.#forward(buf.subarray(start, headEnd))) return;
        pos = headEnd;
        if (pos === buf.length) return;
        continue;
      }
      this.#inHead = false;
      this.keepAliveTimeoutMs = head.keepAliveTimeoutMs;
      const framer = this.#framer;
      framer.reset(responseBodyKind(head, this.#requestWasHead), head.contentLength, Infinity);
      // Transfer-Encoding with Content-Length is a smuggling smell: finish, then drop the connection.
      this.reusable = head.keepAlive && !(head.encoded && head.contentLength !== -1);
      const n = framer.consume(buf, headEnd, buf.length);
      if (n === -1) return this.#fail(`malformed response body: ${framer.error ?? ''}`);
      const end = headEnd + n;
      if (!this.#forward(start === 0 && end === buf.length ? buf : buf.subarray(start, end))) return;
      if (framer.done) this.#complete(end !== buf.length);
      return;
    }
  }

  #readBody(chunk: Buffer): void {
    const framer = this.#framer;
    const n = framer.consume(chunk, 0, chunk.length);
    if (n === -1) return this.#fail(`malformed response body: ${framer.error ?? ''}`);
    if (!this.#forward(n === chunk.length ? chunk : chunk.subarray(0, n))) return;
    if (framer.done) this.#complete(n !== chunk.length);
  }

  /** Hands bytes to the sink; false when the exchange ended meanwhile. */
  #forward(data: Buffer): boolean {
    const sink = this.#sink;
    if (sink === null) return false;
    if (data.length !== 0 && !sink.onResponseData(data)) this.#socket.pause();
    return this.#sink === sink;
  }

  #complete(extraBytes: boolean): void {
    const sink = this.#sink;
    if (sink === null) return;
    const closeDelimited = this.#framer.kind === BODY_CLOSE;
    if (extraBytes || closeDelimited) this.reusable = false;
    this.#sink = null;
    sink.onResponseEnd(this, closeDelimited || !this.#head.keepAlive);
  }

  #fail(reason: string): void {
    const sink = this.#sink;
    this.#sink = null;
    this.#terminate(reason);
    sink?.onUpstreamError(this, reason);
  }

  #onEnd = (): void => {
    if (this.#sink !== null && !this.#inHead && this.#framer.kind === BODY_CLOSE) {
      this.#framer.finishAtClose();
      this.#complete(false);
    }
  };

  #onError = (err: Error): void => {
    this.#error = err.message;
  };

  #onClose = (): void => {
    this.#terminate(this.#error !== '' ? this.#error : 'the instance closed the connection');
  };

  #onDrain = (): void => {
    this.#sink?.onUpstreamDrain();
  };

  #terminate(reason: string): void {
    if (this.state === UP_CLOSED) return;
    const wasConnecting = this.state === UP_CONNECTING;
    this.state = UP_CLOSED;
    this.reusable = false;
    this.deadline = 0;
    this.#owner.forget(this);
    this.#socket.destroy();
    const sink = this.#sink;
    this.#sink = null;
    if (sink === null) return;
    if (wasConnecting) sink.onUpstreamConnectError(this, reason);
    else sink.onUpstreamError(this, reason);
  }
}
