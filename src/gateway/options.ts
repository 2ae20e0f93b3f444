// Gateway options → defaults → one readonly config the data plane reads.
import pino, { type Logger } from 'pino';

export interface GatewayOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Larger request bodies get 413 EASEL_BODY_TOO_LARGE. @default 64 MiB */
  maxBodyBytes?: number;
  /** A request head, or the gap between body chunks, longer than this gets 408 EASEL_REQUEST_TIMEOUT. @default 10_000 */
  headTimeoutMs?: number;
  /** Idle client keep-alive connections are closed after this. @default 65_000 */
  idleTimeoutMs?: number;
  /** Idle pooled upstream sockets are closed after this. @default 30_000 */
  upstreamIdleMs?: number;
  /** pino logger. @default silent */
  logger?: Logger;
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly headTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly upstreamIdleMs: number;
  readonly logger: Logger;
}

/** Request and response heads larger than this are refused (431 / 502). */
export const HEAD_LIMIT = 64 * 1024;
/** A new upstream connection that takes longer than this counts as refused. */
export const CONNECT_TIMEOUT_MS = 2_000;
/** An instance that refused a connection is avoided for this long. */
export const REFUSED_BACKOFF_MS = 2_000;
/** Connection attempts per request, each on a different instance. */
export const MAX_CONNECT_TRIES = 3;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`gateway option ${name} must be a positive number, got ${String(value)}`);
  return value;
}

export function resolveOptions(opts: GatewayOptions = {}): GatewayConfig {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`gateway option port must be 0..65535, got ${String(port)}`);
  return {
    host: opts.host ?? '127.0.0.1',
    port,
    maxBodyBytes: positive('maxBodyBytes', opts.maxBodyBytes, 64 * 1024 * 1024),
    headTimeoutMs: positive('headTimeoutMs', opts.headTimeoutMs, 10_000),
    idleTimeoutMs: positive('idleTimeoutMs', opts.idleTimeoutMs, 65_000),
    upstreamIdleMs: positive('upstreamIdleMs', opts.upstreamIdleMs, 30_000),
    logger: opts.logger ?? pino({ level: 'silent' }),
  };
}
