// Options of the instance host, and the settings it runs with once defaults are applied.
import type { Logger } from 'pino';
import type { InstanceConfig } from '../contract/instance.js';
import type { ResolvedSpec } from '../contract/resolve.js';
import type { RunnerLogger, WorkerRunnerTiming } from '../processors/index.js';

export interface InstanceHostOptions {
  /** Where the host and the processor log; default: nowhere. */
  logger?: Logger;
  /**
   * Called once when the processor fails for good: it could not be loaded or initialized, or a
   * replacement thread could not be initialized after a hang or crash. `/__easel/ready` is 503 from then on.
   */
  onFatal?: (error: Error) => void;
  /** Largest request body accepted; a larger one gets 413. @default 67108864 (64 MiB, as the gateway) */
  maxBodyBytes?: number;
  /** Heartbeat and hang detection of custom processors. @default { heartbeatIntervalMs: 1000, livenessTimeoutMs: 10000, hangGraceMs: 1000 } */
  processorTiming?: Partial<WorkerRunnerTiming>;
}

export interface HostSettings {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly keepaliveMs: number;
  readonly workerThreads: number;
  readonly batching: ResolvedSpec['batching'];
  readonly maxQueueSize: number;
  readonly rateLimit: number | undefined;
  readonly terminationGraceMs: number;
  readonly maxBodyBytes: number;
  readonly maxHeaderBytes: number;
  /** Longer than the gateway's 30 s upstream idle timeout, so the gateway closes idle sockets first and never writes into one we are closing. */
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly logger: RunnerLogger;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
const KEEP_ALIVE_TIMEOUT_MS = 75_000;
const HEADERS_TIMEOUT_MS = 20_000;

const noop = (): void => undefined;
export const SILENT_LOGGER: RunnerLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function hostSettings(config: InstanceConfig, resolved: ResolvedSpec, opts: InstanceHostOptions): HostSettings {
  return {
    service: config.service,
    host: config.host,
    port: config.port,
    keepaliveMs: resolved.keepaliveMs,
    workerThreads: resolved.workerThreads,
    batching: resolved.batching,
    maxQueueSize: resolved.maxQueueSize,
    rateLimit: resolved.rateLimit,
    terminationGraceMs: resolved.terminationGraceMs,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxHeaderBytes: MAX_HEADER_BYTES,
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    logger: opts.logger ?? SILENT_LOGGER,
  };
}
