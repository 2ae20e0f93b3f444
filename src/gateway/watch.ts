// The gateway's side of the routing watch stream: a WebSocket to the control plane that
// delivers whole tables. Each table is applied and acknowledged; a dropped stream is retried
// forever with back-off while the gateway keeps serving the last table it had.
import type { Logger } from 'pino';
import pino from 'pino';
import { WebSocket, type RawData } from 'ws';
import { WATCH_ROUTES_PATH, type WatchClientMessage } from '../contract/routes.js';
import type { Gateway } from './gateway.js';
import { parseWatchMessage } from './table-check.js';

export interface WatchOptions {
  /** Control-plane base URL, e.g. http://127.0.0.1:8081 (ws:// and wss:// work too). */
  url: string;
  /** Admin token, sent as `Authorization: Bearer <token>`. */
  token: string;
  logger?: Logger;
  /** Ping period; a stream that misses a pong for a whole period is dropped and redialed. @default 15_000 */
  heartbeatMs?: number;
}

export interface RouteWatch {
  close(): Promise<void>;
}

/** connecting → open → (backoff → connecting)* → closed */
type WatchState = 'connecting' | 'open' | 'backoff' | 'closed';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long close() waits for the closing handshake before dropping the socket. */
const CLOSE_WAIT_MS = 1_000;

export function watchRoutes(gateway: Gateway, opts: WatchOptions): RouteWatch {
  const watcher = new RouteWatcher(gateway, opts);
  watcher.start();
  return { close: () => watcher.close() };
}

/** The watch endpoint under a control-plane base URL; throws for a URL that cannot be one. */
export function watchUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`control plane URL must be http(s):// or ws(s)://, got ${base}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${WATCH_ROUTES_PATH}`;
  return url.toString();
}

class RouteWatcher {
  readonly #gateway: Gateway;
  readonly #url: string;
  readonly #token: string;
  readonly #log: Logger;
  readonly #heartbeatMs: number;
  #state: WatchState = 'connecting';
  #ws: WebSocket | null = null;
  #retry: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #awaitingPong = false;
  #delay = FIRST_DELAY_MS;
  #closed: Promise<void> | null = null;

  constructor(gateway: Gateway, opts: WatchOptions) {
    this.#gateway = gateway;
    this.#url = watchUrl(opts.url);
    this.#token = opts.token;
    this.#log = opts.logger ?? pino({ level: 'silent' });
    this.#heartbeatMs = opts.heartbeatMs ?? 15_000;
  }

  start(): void {
    this.#dial();
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  #dial(): void {
    this.#state = 'connecting';
    this.#retry = null;
    const ws = new WebSocket(this.#url, { headers: { Authorization: `Bearer ${this.#token}` }, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    this.#ws = ws;
    ws.on('open', () => {
      this.#state = 'open';
      this.#log.info({ url: this.#url }, 'routing watch connected');
      this.#awaitingPong = false;
      this.#heartbeat = setInterval(this.#beat, this.#heartbeatMs);
      this.#heartbeat.unref();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(ws, data, isBinary));
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    ws.on('error', (err: Error) => {
      this.#log.warn({ url: this.#url, err: err.message }, 'routing watch error');
    });
    ws.on('close', () => this.#onClose(ws));
  }

  #onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (ws !== this.#ws) return;
    const text = isBinary ? '' : rawText(data);
    const parsed = parseWatchMessage(text);
    if (!parsed.ok) {
      this.#log.warn({ reason: parsed.reason }, 'ignored a malformed routing watch message');
      return;
    }
    this.#gateway.applyTable(parsed.value);
    const ack: WatchClientMessage = { type: 'ack', revision: parsed.value.revision };
    ws.send(JSON.stringify(ack));
    // A stream that delivers tables is healthy: the next drop starts the back-off afresh.
    this.#delay = FIRST_DELAY_MS;
  }

  #beat = (): void => {
    const ws = this.#ws;
    if (ws === null || this.#state !== 'open') return;
    if (this.#awaitingPong) {
      this.#log.warn({ url: this.#url }, 'routing watch missed a heartbeat; reconnecting');
      ws.terminate();
      return;
    }
    this.#awaitingPong = true;
    ws.ping();
  };

  #onClose(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    if (this.#state === 'closed') return;
    this.#state = 'backoff';
    this.#log.info({ url: this.#url, retryMs: this.#delay }, 'routing watch disconnected; serving the last table');
    this.#retry = setTimeout(() => this.#dial(), this.#delay);
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
  }

  async #shutdown(): Promise<void> {
    this.#state = 'closed';
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    const ws = this.#ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, CLOSE_WAIT_MS);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'gateway stopping');
    });
    this.#ws = null;
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
