// The contract between the runtime and an instance host (`easel instance`).
import type { ServiceSpec } from './spec.js';

/** Paths the instance host keeps for itself; the gateway never forwards them. */
export const INSTANCE_PATHS = {
  ready: '/__easel/ready',
  live: '/__easel/live',
  stats: '/__easel/stats',
} as const;
export const RESERVED_PATH_PREFIX = '/__easel/';

/** Written by the runtime as `instance.json` in the instance folder; read by `easel instance --config`. */
export interface InstanceConfig {
  service: string;
  instance: string;
  version: number;
  host: string;
  port: number;
  /** The instance folder: working directory, scratch space. */
  dir: string;
  /** Where http(s) model files are downloaded and kept (`<home>/models`); absent in older configs. */
  modelsDir?: string;
  spec: ServiceSpec;
}

/** `GET /__easel/stats` on an instance host. */
export interface InstanceStats {
  state: 'starting' | 'ready' | 'draining' | 'failed';
  inFlight: number;
  queued: number;
  completed: number;
  failed: number;
  rejectedQueueFull: number;
  timedOut: number;
  processorRestarts: number;
  uptimeSeconds: number;
  /** With rpc.batching: how many batches ran, how many requests they held, and how many batches had each size. */
  batching?: { batches: number; requests: number; sizes: Record<string, number> };
}
