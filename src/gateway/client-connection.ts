// One client connection: reads request heads, admits each request, forwards it to an instance
// and streams the response back, one exchange at a time so that pipelined requests are
// answered in order. Per-request state lives in fields reset per exchange (no per-request
// closures); the upstream connection reports back through the UpstreamSink methods.
import type { Socket } from 'node:net';
import { EaselError, Errors, type ErrorDef } from '../contract/errors.js';
import { VERSION } from '../shared/version.js';
import { HEALTHZ, admit, clip } from './admission.js';
import { BodyFramer } from './body-framer.js';
import { CONN_CLOSE_AFTER, CONN_KEEP_10, CONN_KEEP_11, CONTINUE_100, jsonResponse, withReason } from './error-response.js';
import { clientPath, rewriteHeadInPlace } from './forward-head.js';
import { HeadScanner, SCAN_INCOMPLETE, SCAN_TOO_LARGE } from './head-scanner.js';
import { HEAD_LIMIT, type GatewayConfig } from './options.js';
import { TargetMatch, matchTarget } from './predict-path.js';
import { RequestHead, parseRequestHead } from './request-head.js';
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE } from './response-head.js';
import { CompiledRoute, type CompiledTable } from './route-table.js';
import { UP_CONNECTING, type UpstreamConnection, type UpstreamSink } from './upstream-connection.js';
import { UpstreamLease } from './upstream-lease.js';

/** What a client connection needs from its gateway. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly table: CompiledTable | null;
  readonly revision: number;
  readonly draining: boolean;
  connectionClosed(conn: ClientConnection): void;
}

/** Waiting for the next request on a kept-alive connection. */
const C_IDLE = 0;
/** Receiving a request head. */
const C_HEAD = 1;
/** Admitted; waiting for a new upstream connection (client reads paused). */
const C_CONNECTING = 2;
/** Request going to the instance, response coming back. */
const C_FORWARD = 3;
/** Last response written, our FIN sent or queued; waiting for the client to close. */
const C_CLOSING = 4;
const C_CLOSED = 5;
type ClientState = typeof C_IDLE | typeof C_HEAD | typeof C_CONNECTING | typeof C_FORWARD | typeof C_CLOSING | typeof C_CLOSED;

// Why the client socket is paused (a bit set: reading resumes when none is left).
const PAUSE_CONNECTING = 1;
const PAUSE_UPSTREAM = 2;
const PAUSE_PIPELINED = 4;

/** After our FIN is flushed, how long to wait for the client's before dropping the socket. */
const FIN_LINGER_MS = 2_000;

const now = (): number => performance.now();

export class ClientConnection implements UpstreamSink {
  readonly #socket: Socket;
  readonly #ctx: GatewayContext;
  readonly #config: GatewayConfig;
  #state: ClientState = C_HEAD;
  /** Head, idle, body-stall or linger deadline, by state (ms, monotonic); 0 = none. */
  #clientDeadline: number;
  /** route.keepaliveMs from head arrival until the response starts; 0 = none. */
  #routeDeadline = 0;
  #pauses = 0;
  /** Received bytes not consumed yet: input[inputPos, input.length). */
  #input: Buffer | null = null;
  #inputPos = 0;

  readonly #scanner = new HeadScanner(HEAD_LIMIT);
  readonly #head = new RequestHead();
  #headValid = false;
  readonly #target = new TargetMatch();
  readonly #body = new BodyFramer();

  // The exchange in progress.
  readonly #lease = new UpstreamLease();
  /** Head and first body bytes, until an upstream connection takes them. */
  #pending: Buffer | null = null;
  /** Where the rewritten target starts in head.buf (for logs once the original is gone). */
  #rewrittenTarget = -1;
  #responseStarted = false;

  constructor(socket: Socket, ctx: GatewayContext) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#config = ctx.config;
    this.#clientDeadline = now() + ctx.config.headTimeoutMs;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('drain', this.#onDrain);
    socket.on('finish', this.#onFinish);
  }

  /** Gateway shutdown: drop the connection now unless a request is under way. */
  closeIfIdle(): void {
    const waiting = this.#state === C_IDLE || (this.#state === C_HEAD && this.#scanner.pending === 0 && this.#input === null);
    if (waiting || this.#state === C_CLOSING) this.#destroy();
  }

  destroy(): void {
    this.#destroy();
  }

  /** Called by the gateway's sweeper with the monotonic time. */
  tick(t: number): void {
    if (this.#routeDeadline !== 0 && t >= this.#routeDeadline) {
      this.#routeDeadline = 0;
      const route = this.#lease.route;
      this.#respondError(Errors.DeadlineExceeded, { keepalive: route?.keepaliveMs ?? 0 }, false);
      this.#pump();
      return;
    }
    if (this.#clientDeadline === 0 || t < this.#clientDeadline) return;
    this.#clientDeadline = 0;
    if (this.#state === C_HEAD) {
      this.#respondError(Errors.RequestTimeout, { timeout: this.#config.headTimeoutMs }, true);
    } else if (this.#state === C_FORWARD && !this.#responseStarted) {
      // The request body stalled.
      this.#respondError(Errors.RequestTimeout, { timeout: this.#config.headTimeoutMs }, true);
    } else {
      // Idle keep-alive, a stalled body under a started response, or a client that never closes.
      this.#destroy();
    }
  }

  // ---- client socket events ----

  #onData = (chunk: Buffer): void => {
    if (this.#state >= C_CLOSING) return;
    if (this.#input === null) {
      this.#input = chunk;
      this.#inputPos = 0;
    } else {
      this.#input = Buffer.concat([this.#input.subarray(this.#inputPos), chunk]);
      this.#inputPos = 0;
    }
    this.#pump();
  };

  #onEnd = (): void => {
    // A client that half-closes during an exchange has given up on it (as nginx and node treat it).
    if (this.#lease.route !== null) this.#clientGone();
    else if (this.#state < C_CLOSING) this.#state = C_CLOSING;
  };

  #onError = (err: Error): void => {
    this.#config.logger.debug({ err: err.message }, 'client socket error');
  };

  #onClose = (): void => {
    if (this.#state !== C_CLOSED) this.#clientGone();
    this.#ctx.connectionClosed(this);
  };

  #onDrain = (): void => {
    this.#lease.upstream?.resume();
  };

  #onFinish = (): void => {
    if (this.#state === C_CLOSING) this.#clientDeadline = now() + FIN_LINGER_MS;
  };

  // ---- request side ----

  /** Consumes input as far as the current state allows. */
  #pump(): void {
    for (;;) {
      const input = this.#input;
      if (input === null) return;
      const state = this.#state;
      if (state === C_IDLE || state === C_HEAD) {
        this.#readHead(input);
      } else if (state === C_FORWARD && !this.#body.done) {
        this.#forwardBody(input);
      } else {
        // Pipelined bytes wait for the exchange in progress; bound how many.
        if (state < C_CLOSING && input.length - this.#inputPos > HEAD_LIMIT) this.#pause(PAUSE_PIPELINED);
        return;
      }
    }
  }

  #readHead(input: Buffer): void {
    if (this.#state === C_IDLE) {
      this.#state = C_HEAD;
      this.#clientDeadline = now() + this.#config.headTimeoutMs;
    }
    this.#headValid = false;
    const status = this.#scanner.push(input, this.#inputPos);
    if (status !== SCAN_INCOMPLETE && status !== SCAN_TOO_LARGE) {
      const buf = this.#scanner.buf;
      const headEnd = this.#scanner.headEnd;
      this.#input = headEnd < buf.length ? buf : null;
      this.#inputPos = headEnd;
      const problem = parseRequestHead(buf, this.#scanner.start, headEnd, this.#head);
      if (problem === null) return this.#headArrived();
      this.#input = null;
      this.#respondError(Errors.BadHttp, { reason: problem }, true);
      return;
    }
    this.#input = null;
    if (status === SCAN_TOO_LARGE) this.#respondError(Errors.HeadersTooLarge, { limit: HEAD_LIMIT }, true);
  }

  /** Admits the request and starts forwarding it, or answers it here. */
  #headArrived(): void {
    const head = this.#head;
    if (head.empty) return;
    this.#headValid = true;
    this.#clientDeadline = 0;
    const body = this.#body;
    body.reset(head.chunked ? BODY_CHUNKED : head.contentLength > 0 ? BODY_LENGTH : BODY_NONE, head.contentLength, this.#config.maxBodyBytes);
    const target = this.#target;
    matchTarget(head.buf, head.targetStart, head.targetEnd, target);
    const t = now();
    const admission = admit(this.#ctx.table, head, target, this.#config.maxBodyBytes, t);
    if (admission === HEALTHZ) return this.#respond(200, JSON.stringify({ status: 'ok', component: 'gateway', version: VERSION, revision: this.#ctx.revision }));
    if (!(admission instanceof CompiledRoute)) return this.#respondError(admission.def, admission.params, admission.close);

    this.#lease.open(admission);
    this.#routeDeadline = t + admission.keepaliveMs;
    const fwdStart = rewriteHeadInPlace(head, target.tailStart, head.expectContinue);
    this.#rewrittenTarget = fwdStart + (head.methodEnd - head.start) + 1;
    let n = 0;
    if (this.#input !== null) {
      n = body.consume(this.#input, this.#inputPos, this.#input.length);
      if (n === -1) return this.#bodyError();
      this.#advance(n);
    }
    this.#pending = head.buf.subarray(fwdStart, head.headEnd + n);
    if (head.expectContinue && head.version === 11 && !body.done) this.#socket.write(CONTINUE_100);
    this.#connect(t);
  }

  /** Gets a connection to the next instance; forwards at once over a pooled one. */
  #connect(t: number): void {
    const up = this.#lease.connect(this, this.#head.isHeadMethod, t);
    if (up === null) {
      const service = this.#lease.route?.service ?? '';
      const reason = this.#lease.connectError;
      if (reason === '') this.#respondError(Errors.NoReadyInstance, { service }, false);
      else this.#respondError(withReason(Errors.NoReadyInstance), { service, reason }, false);
    } else if (up.state === UP_CONNECTING) {
      this.#state = C_CONNECTING;
      // Leave further body bytes in the kernel: a retry must not need them buffered.
      this.#pause(PAUSE_CONNECTING);
    } else {
      this.#startForwarding(up);
    }
  }

  #startForwarding(up: UpstreamConnection): void {
    this.#state = C_FORWARD;
    this.#unpause(PAUSE_CONNECTING);
    const pending = this.#pending!;
    this.#pending = null;
    if (!up.write(pending)) this.#pause(PAUSE_UPSTREAM);
    if (!this.#body.done) this.#clientDeadline = now() + this.#config.headTimeoutMs;
  }

  #forwardBody(input: Buffer): void {
    const body = this.#body;
    const pos = this.#inputPos;
    const n = body.consume(input, pos, input.length);
    if (n === -1) return this.#bodyError();
    this.#advance(n);
    this.#clientDeadline = body.done ? 0 : now() + this.#config.headTimeoutMs;
    if (n !== 0 && !this.#lease.upstream!.write(pos === 0 && n === input.length ? input : input.subarray(pos, pos + n))) {
      this.#pause(PAUSE_UPSTREAM);
    }
  }

  #bodyError(): void {
    const body = this.#body;
    if (this.#responseStarted) return this.#destroy();
    if (body.tooLarge) this.#respondError(Errors.BodyTooLarge, { limit: this.#config.maxBodyBytes }, true);
    else this.#respondError(Errors.BadHttp, { reason: body.error ?? 'malformed body' }, true);
  }

  #advance(n: number): void {
    this.#inputPos += n;
    if (this.#input !== null && this.#inputPos >= this.#input.length) this.#input = null;
  }

  // ---- upstream events (UpstreamSink) ----

  onUpstreamConnect(up: UpstreamConnection): void {
    if (up !== this.#lease.upstream) return;
    this.#startForwarding(up);
    this.#pump();
  }

  onUpstreamConnectError(up: UpstreamConnection, reason: string): void {
    if (up !== this.#lease.upstream) return;
    const t = now();
    this.#config.logger.debug({ service: this.#lease.route?.service, instance: this.#lease.instance?.name, reason }, 'instance connection failed');
    this.#lease.connectFailed(reason, t);
    this.#connect(t);
    this.#pump();
  }

  onResponseData(data: Buffer): boolean {
    if (!this.#responseStarted) {
      this.#responseStarted = true;
      this.#routeDeadline = 0;
    }
    return this.#socket.write(data);
  }

  onResponseEnd(up: UpstreamConnection, closeClient: boolean): void {
    if (up !== this.#lease.upstream) return;
    const requestDone = this.#body.done && this.#pending === null;
    this.#lease.finishUpstream(up.reusable && requestDone, now());
    this.#endExchange(!closeClient && requestDone && this.#head.keepAlive && !this.#ctx.draining);
    this.#pump();
  }

  onUpstreamError(up: UpstreamConnection, reason: string): void {
    if (up !== this.#lease.upstream) return;
    const instance = this.#lease.instance?.name ?? '';
    const service = this.#lease.route?.service ?? '';
    if (this.#responseStarted) {
      // Too late for an error response: the client sees the connection drop mid-response.
      this.#log(new EaselError(Errors.UpstreamFailed, { instance, service, reason }));
      return this.#destroy();
    }
    this.#respondError(Errors.UpstreamFailed, { instance, service, reason }, false);
    this.#pump();
  }

  onUpstreamDrain(): void {
    this.#unpause(PAUSE_UPSTREAM);
  }

  // ---- endings ----

  /** Answers with a catalogue error and ends the exchange; the upstream side is dropped. */
  #respondError(def: ErrorDef, params: Readonly<Record<string, string | number>>, close: boolean): void {
    const err = new EaselError(def, params);
    this.#log(err);
    this.#lease.dropUpstream();
    this.#respond(err.status, JSON.stringify(err.toBody()), close);
  }

  /** Writes a response of the gateway's own and ends the exchange. */
  #respond(status: number, body: string, close = false): void {
    const head = this.#head;
    // The connection stays usable only if the request body is fully read past (or absent).
    const keep = !close && this.#headValid && head.keepAlive && !this.#ctx.draining && this.#skipBody();
    const mode = !keep ? CONN_CLOSE_AFTER : head.version === 10 ? CONN_KEEP_10 : CONN_KEEP_11;
    this.#socket.write(jsonResponse(status, body, mode, this.#headValid && head.isHeadMethod));
    this.#endExchange(keep);
  }

  /** Consumes the rest of the request body from what already arrived; true when it is complete. */
  #skipBody(): boolean {
    const body = this.#body;
    if (body.done) return true;
    const input = this.#input;
    if (input === null) return false;
    const n = body.consume(input, this.#inputPos, input.length);
    if (n === -1) return false;
    this.#advance(n);
    return body.done;
  }

  #endExchange(keep: boolean): void {
    this.#lease.close();
    this.#responseStarted = false;
    this.#routeDeadline = 0;
    this.#pending = null;
    this.#rewrittenTarget = -1;
    if (!keep) return this.#closeGracefully();
    this.#state = C_IDLE;
    this.#clientDeadline = now() + this.#config.idleTimeoutMs;
    this.#resumeAll();
  }

  #closeGracefully(): void {
    if (this.#state >= C_CLOSING) return;
    this.#state = C_CLOSING;
    this.#input = null;
    this.#scanner.reset();
    this.#clientDeadline = now() + this.#config.idleTimeoutMs;
    // Keep reading (and ignoring) so that the client's FIN is seen and the socket closes.
    this.#resumeAll();
    this.#socket.end();
  }

  #clientGone(): void {
    if (this.#lease.route !== null) this.#log(new EaselError(Errors.ClientClosed));
    this.#destroy();
  }

  #destroy(): void {
    if (this.#state === C_CLOSED) return;
    this.#lease.close();
    this.#state = C_CLOSED;
    this.#clientDeadline = 0;
    this.#routeDeadline = 0;
    this.#input = null;
    this.#pending = null;
    this.#socket.destroy();
  }

  #pause(reason: number): void {
    if (this.#pauses === 0) this.#socket.pause();
    this.#pauses |= reason;
  }

  #unpause(reason: number): void {
    if ((this.#pauses & reason) === 0) return;
    this.#pauses &= ~reason;
    if (this.#pauses === 0) this.#socket.resume();
  }

  #resumeAll(): void {
    if (this.#pauses === 0) return;
    this.#pauses = 0;
    this.#socket.resume();
  }

  #log(err: EaselError): void {
    const service = this.#lease.route?.service ?? (this.#headValid && this.#target.service !== '' ? this.#target.service : undefined);
    this.#config.logger.info({ code: err.code, status: err.status, service, path: this.#headValid ? clip(clientPath(this.#head, this.#rewrittenTarget, this.#target.service)) : undefined }, err.message);
  }
}
