// Helpers for the gateway integration tests: real upstream servers, a gateway on port 0, and a
// raw-socket HTTP/1.1 client that sees exactly the bytes the gateway writes.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { RouteInstance, RoutingTable, ServiceRoute } from '../src/contract/routes.js';
import { createGateway, type Gateway, type GatewayOptions } from '../src/gateway/index.js';
import { waitFor } from './helpers/wait.js';

export const WAIT_MS = 5_000;

export interface Upstream {
  readonly port: number;
  readonly server: Server;
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  /** Requests received so far, with their raw url and headers. */
  readonly requests: IncomingMessage[];
  instance(name?: string): RouteInstance;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Echoes method, url, headers and body as JSON. */
export const echoHandler: Handler = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('latin1') });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
};

export async function startUpstream(handler: Handler = echoHandler, name = 'inst'): Promise<Upstream> {
  const requests: IncomingMessage[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    server,
    connections: () => connections,
    requests,
    instance: (n = name) => ({ name: n, host: '127.0.0.1', port, version: 1 }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function route(service: string, instances: RouteInstance[], extra: Partial<ServiceRoute> = {}): ServiceRoute {
  return { service, state: 'running', token: null, keepaliveMs: 5_000, rateLimit: null, concurrencyLimit: null, instances, ...extra };
}

export function table(revision: number, ...services: ServiceRoute[]): RoutingTable {
  return { revision, services };
}

export interface TestGateway {
  gateway: Gateway;
  port: number;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions = {}, routes?: RoutingTable): Promise<TestGateway> {
  const gateway = createGateway(opts);
  const { port } = await gateway.listen();
  if (routes !== undefined) gateway.applyTable(routes);
  return { gateway, port, close: () => gateway.close(200) };
}

/** A port with nothing listening (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const addr = s.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RawResponse {
  status: number;
  version: string;
  headers: Record<string, string>;
  head: string;
  body: Buffer;
  /** 1xx responses that came before this one. */
  interim: number[];
}

/**
 * A raw HTTP/1.1 client over one socket. It parses responses itself (Content-Length, chunked,
 * close-delimited, no-body for HEAD/1xx/204/304) so tests see the gateway's exact framing.
 */
export class RawClient {
  readonly socket: Socket;
  closed = false;
  #buf = Buffer.alloc(0);
  #ended = false;
  #waiters: (() => void)[] = [];
  #interim: number[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#ended = true;
      this.#wake();
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Writes the data in pieces, waiting `gapMs` between them. */
  async sendInPieces(data: Buffer, sizes: readonly number[], gapMs = 1): Promise<void> {
    let at = 0;
    let i = 0;
    while (at < data.length) {
      const n = Math.max(1, sizes[i % sizes.length]!);
      this.socket.write(data.subarray(at, at + n));
      at += n;
      i++;
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /** Reads the next final response. `headRequest`: the response has no body whatever it says. */
  async response(opts: { headRequest?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (opts.timeoutMs ?? WAIT_MS);
    for (;;) {
      const r = this.#tryParse(opts.headRequest === true);
      if (r !== null) return r;
      if (this.#ended) throw new Error(`connection closed before a complete response; got ${JSON.stringify(this.#buf.toString('latin1').slice(0, 300))}`);
      await this.#wait(deadline);
    }
  }

  /** Resolves when the peer has closed; rejects after the deadline. */
  async closedByPeer(timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) await this.#wait(deadline);
  }

  /** Bytes received and not parsed as responses. */
  get leftover(): string {
    return this.#buf.toString('latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w();
  }

  #wait(deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new Error(`timed out waiting; buffered ${JSON.stringify(this.#buf.toString('latin1').slice(0, 300))}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting; buffered ${JSON.stringify(this.#buf.toString('latin1').slice(0, 300))}`)), left);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #tryParse(headRequest: boolean): RawResponse | null {
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end === -1) return null;
      const head = this.#buf.toString('latin1', 0, end);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const m = /^(HTTP\/1\.[01]) (\d{3})/.exec(statusLine);
      if (m === null) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
      const status = Number(m[2]);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).toLowerCase();
        const v = line.slice(i + 1).trim();
        headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
      }
      const bodyStart = end + 4;
      if (status >= 100 && status < 200) {
        this.#interim.push(status);
        this.#buf = this.#buf.subarray(bodyStart);
        continue;
      }
      const done = (body: Buffer, consumed: number): RawResponse => {
        this.#buf = this.#buf.subarray(consumed);
        const interim = this.#interim;
        this.#interim = [];
        return { status, version: m[1]!, headers, head, body, interim };
      };
      if (headRequest || status === 204 || status === 304) return done(Buffer.alloc(0), bodyStart);
      if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
        const parts: Buffer[] = [];
        let p = bodyStart;
        for (;;) {
          const lineEnd = this.#buf.indexOf('\r\n', p);
          if (lineEnd === -1) return null;
          const size = Number.parseInt(this.#buf.toString('latin1', p, lineEnd).split(';')[0]!, 16);
          if (size === 0) {
            // Trailer lines until an empty one.
            let q = lineEnd + 2;
            for (;;) {
              const e = this.#buf.indexOf('\r\n', q);
              if (e === -1) return null;
              if (e === q) return done(Buffer.concat(parts), q + 2);
              q = e + 2;
            }
          }
          if (this.#buf.length < lineEnd + 2 + size + 2) return null;
          parts.push(this.#buf.subarray(lineEnd + 2, lineEnd + 2 + size));
          p = lineEnd + 2 + size + 2;
        }
      }
      if (headers['content-length'] !== undefined) {
        const len = Number(headers['content-length']);
        if (this.#buf.length < bodyStart + len) return null;
        return done(this.#buf.subarray(bodyStart, bodyStart + len), bodyStart + len);
      }
      if (!this.#ended) return null;
      return done(this.#buf.subarray(bodyStart), this.#buf.length);
    }
  }
}

/** One request on a fresh connection; returns the response and closes. */
export async function rawRequest(port: number, data: string | Buffer, opts: { headRequest?: boolean } = {}): Promise<RawResponse> {
  const c = await RawClient.open(port);
  try {
    c.send(data);
    return await c.response(opts);
  } finally {
    c.destroy();
  }
}

export function post(path: string, body: string, headers: Record<string, string> = {}, version = '1.1'): string {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `POST ${path} HTTP/${version}\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

export function get(path: string, headers: Record<string, string> = {}, version = '1.1'): string {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `GET ${path} HTTP/${version}\r\nHost: gw\r\n${extra}\r\n`;
}

export function json(r: RawResponse): Record<string, unknown> {
  return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
}

/** Polls `check` until it returns true; rejects after the deadline. */
export async function until(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  await waitFor(what, () => (check() ? true : undefined), timeoutMs, 5);
}
