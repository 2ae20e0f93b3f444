// Options of the local runtime, their defaults, and the compiled configuration it runs on.
import type { LogFn, Logger } from 'pino';
import { join } from 'node:path';
import { EASEL_BIN } from '../../shared/paths.js';

export interface LocalRuntimeOptions {
  /** `<home>/instances`: each instance gets `<dir>/<instance>/` for its config and logs. */
  dir: string;
  logger?: Logger;
  /** Clock in ms since the epoch, for phaseSince and FinishedAt. @default Date.now */
  now?: () => number;
  /** output.log rotates once it grows past this. @default 10 MiB */
  logMaxBytes?: number;
  /** Rotated files kept (output.log.1 is the newest). @default 3 */
  logKeepFiles?: number;
  /** How often CPU and RSS are sampled, the memory limit enforced and logs rotated. @default 1000 */
  sampleIntervalMs?: number;
  /** Readiness probe interval while an instance starts: cold-start latency depends on it. @default 100 */
  startupProbeIntervalMs?: number;
  /**
   * The program and leading arguments that run easel for processor services; the runtime
   * appends `instance --config <file>`. @default [process.execPath, EASEL_BIN]
   */
  instanceHostCommand?: readonly string[];
  /** Where instances keep downloaded (http/https) model files. @default <dir>/../models */
  modelsDir?: string;
}

/** The subset of a pino logger the runtime writes to. */
export interface RuntimeLog {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface LocalRuntimeConfig {
  readonly dir: string;
  readonly log: RuntimeLog;
  readonly now: () => number;
  readonly logMaxBytes: number;
  readonly logKeepFiles: number;
  readonly sampleIntervalMs: number;
  readonly startupProbeIntervalMs: number;
  readonly instanceHostCommand: readonly [string, ...string[]];
  readonly modelsDir: string;
}

export const LOCAL_RUNTIME_DEFAULTS = {
  logMaxBytes: 10 * 1024 * 1024,
  logKeepFiles: 3,
  sampleIntervalMs: 1000,
  startupProbeIntervalMs: 100,
} as const;

const silent: RuntimeLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Applies defaults and rejects values the runtime cannot work with (never corrects them). */
export function compileOptions(opts: LocalRuntimeOptions): LocalRuntimeConfig {
  if (opts.dir === '') throw new RangeError('dir must name a folder');
  const keep = opts.logKeepFiles ?? LOCAL_RUNTIME_DEFAULTS.logKeepFiles;
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`logKeepFiles must be an integer ≥ 0, got ${keep}`);
  const [program, ...args] = opts.instanceHostCommand ?? [process.execPath, EASEL_BIN];
  if (program === undefined) throw new RangeError('instanceHostCommand must name a program');
  return {
    dir: opts.dir,
    log: opts.logger ?? silent,
    now: opts.now ?? Date.now,
    logMaxBytes: positive('logMaxBytes', opts.logMaxBytes ?? LOCAL_RUNTIME_DEFAULTS.logMaxBytes),
    logKeepFiles: keep,
    sampleIntervalMs: positive('sampleIntervalMs', opts.sampleIntervalMs ?? LOCAL_RUNTIME_DEFAULTS.sampleIntervalMs),
    startupProbeIntervalMs: positive('startupProbeIntervalMs', opts.startupProbeIntervalMs ?? LOCAL_RUNTIME_DEFAULTS.startupProbeIntervalMs),
    instanceHostCommand: [program, ...args],
    modelsDir: opts.modelsDir ?? join(opts.dir, '..', 'models'),
  };
}
