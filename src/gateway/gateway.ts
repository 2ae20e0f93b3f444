// The gateway process object: a net.Server whose connections are ClientConnections, the
// routing table in force, and one sweeper timer that enforces every deadline (head, idle,
// body stall, route deadline, connect timeout, pooled-connection expiry) by polling fields
// the hot path sets, so requests never create or cancel timers.
import { createServer, type Server, type Socket } from 'node:net';
import type { RoutingTable } from '../contract/routes.js';
import { ClientConnection, type GatewayContext } from './client-connection.js';
import { CONNECT_TIMEOUT_MS, resolveOptions, type GatewayConfig, type GatewayOptions } from './options.js';
import { RouteRegistry, type CompiledTable } from './route-table.js';

export interface Gateway {
  listen(): Promise<{ host: string; port: number }>;
  /** Swaps the whole table atomically; requests in flight finish on what they started with. */
  applyTable(table: RoutingTable): void;
  /** Revision in force, -1 before any table. */
  readonly revision: number;
  /** Stops accepting, lets requests in flight finish up to `graceMs`, then destroys all sockets. */
  close(graceMs?: number): Promise<void>;
}

/** created → listening → draining → stopped */
type GatewayState = 'created' | 'listening' | 'draining' | 'stopped';

const MIN_TICK_MS = 5;
const MAX_TICK_MS = 250;
/** Deadlines fire at most this fraction of their length late. */
const TICKS_PER_TIMEOUT = 8;

export function createGateway(opts?: GatewayOptions): Gateway {
  return new GatewayServer(resolveOptions(opts));
}

class GatewayServer implements Gateway, GatewayContext {
  readonly config: GatewayConfig;
  table: CompiledTable | null = null;
  #state: GatewayState = 'created';
  readonly #server: Server;
  readonly #clients = new Set<ClientConnection>();
  readonly #registry: RouteRegistry;
  #sweeper: NodeJS.Timeout | null = null;
  #tickMs = 0;
  #closing: Promise<void> | null = null;
  #onDrained: (() => void) | null = null;

  constructor(config: GatewayConfig) {
    this.config = config;
    this.#registry = new RouteRegistry(config.upstreamIdleMs);
    this.#server = createServer({ noDelay: true, allowHalfOpen: false }, this.#onConnection);
    this.#server.on('error', (err) => config.logger.error({ err: err.message }, 'gateway server error'));
  }

  get revision(): number {
    return this.table?.revision ?? -1;
  }

  get draining(): boolean {
    return this.#state === 'draining' || this.#state === 'stopped';
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.#state !== 'created') return Promise.reject(new Error(`gateway cannot listen: it is ${this.#state}`));
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(this.config.port, this.config.host, () => {
        this.#server.off('error', onError);
        this.#state = 'listening';
        this.#restartSweeper();
        const addr = this.#server.address();
        const port = typeof addr === 'object' && addr !== null ? addr.port : this.config.port;
        this.config.logger.info({ host: this.config.host, port }, 'gateway listening');
        resolve({ host: this.config.host, port });
      });
    });
  }

  applyTable(table: RoutingTable): void {
    const previous = this.table?.revision ?? -1;
    this.table = this.#registry.compile(table, performance.now());
    if (table.revision < previous) this.config.logger.warn({ revision: table.revision, previous }, 'routing table revision went backwards');
    this.config.logger.info({ revision: table.revision, services: table.services.length }, 'routing table applied');
    if (this.#state === 'listening') this.#restartSweeper();
  }

  close(graceMs = 10_000): Promise<void> {
    this.#closing ??= this.#shutdown(graceMs);
    return this.#closing;
  }

  connectionClosed(conn: ClientConnection): void {
    this.#clients.delete(conn);
    if (this.#clients.size === 0) this.#onDrained?.();
  }

  async #shutdown(graceMs: number): Promise<void> {
    const wasListening = this.#state === 'listening';
    this.#state = 'draining';
    const serverClosed = new Promise<void>((resolve) => {
      if (!wasListening) return resolve();
      this.#server.close(() => resolve());
    });
    for (const conn of [...this.#clients]) conn.closeIfIdle();
    if (this.#clients.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#onDrained = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
      this.#onDrained = null;
    }
    for (const conn of [...this.#clients]) conn.destroy();
    this.#registry.destroyAll();
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
    await serverClosed;
    this.#state = 'stopped';
    this.config.logger.info('gateway stopped');
  }

  #onConnection = (socket: Socket): void => {
    if (this.draining) {
      socket.destroy();
      return;
    }
    this.#clients.add(new ClientConnection(socket, this));
  };

  #sweep = (): void => {
    const t = performance.now();
    for (const conn of this.#clients) conn.tick(t);
    this.#registry.tick(t);
  };

  /** The sweep period follows the shortest timeout in force, so short ones stay accurate. */
  #restartSweeper(): void {
    const c = this.config;
    const shortest = Math.min(c.headTimeoutMs, c.idleTimeoutMs, c.upstreamIdleMs, CONNECT_TIMEOUT_MS, this.table?.minKeepaliveMs() ?? Infinity);
    const tick = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, Math.floor(shortest / TICKS_PER_TIMEOUT)));
    if (tick === this.#tickMs && this.#sweeper !== null) return;
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#tickMs = tick;
    this.#sweeper = setInterval(this.#sweep, tick);
    this.#sweeper.unref();
  }
}
