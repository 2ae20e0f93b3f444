// What the instance host drives: one processor (built-in or custom) behind a small interface.
// The host owns HTTP, admission and deadlines; a runner owns running the processor code.
import type { RequestInfo } from './types.js';

/** One request handed to the processor. */
export interface ProcessorJob {
  /** Unique within the instance; the runner keys its bookkeeping by it. */
  readonly id: number;
  readonly body: Buffer;
  readonly request: RequestInfo;
  /** Called once with the outcome, unless the host expired the job first. May run synchronously inside submit(). */
  settle(outcome: ProcessorOutcome): void;
}

export type ProcessorOutcome =
  | { ok: true; status: number; headers: Record<string, string>; body: Buffer }
  /** failed → 500 EASEL_PROCESSOR_FAILED; unavailable → 503 EASEL_PROCESSOR_NOT_READY. */
  | { ok: false; error: 'failed' | 'unavailable'; reason: string };

/** The subset of a pino logger the processors use; pino satisfies it. */
export interface RunnerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunnerHooks {
  logger: RunnerLogger;
  /** The processor thread was replaced (it hung or crashed); the new one is being initialized. */
  onRestart(reason: string): void;
  /** The processor can no longer serve (a restart failed to initialize). Called at most once. */
  onFatal(error: Error): void;
}

export interface ProcessorRunner {
  /** Loads and initializes the processor. Rejects with a ProcessorStartError. */
  start(): Promise<void>;
  submit(job: ProcessorJob): void;
  /**
   * Present when the processor can serve several requests with one model call (rpc.batching):
   * the host hands over the requests it merged, and each job still settles on its own, so a
   * bad request fails alone.
   */
  submitBatch?(jobs: readonly ProcessorJob[]): void;
  /** The host gave up on the job (its deadline passed): drop its outcome, and check the processor is not hung. */
  expire(job: ProcessorJob): void;
  /** False when the processor thread has not answered a heartbeat for too long. */
  live(): boolean;
  /** Runs the processor's close() (bounded by graceMs) and releases its thread. Jobs still held fail. */
  close(graceMs: number): Promise<void>;
}

/** Why a processor could not start: its module did not load, or its initialize() failed. */
export class ProcessorStartError extends Error {
  readonly phase: 'load' | 'initialize';

  constructor(phase: 'load' | 'initialize', message: string) {
    super(message);
    this.name = 'ProcessorStartError';
    this.phase = phase;
  }

  static load(what: string, reason: string): ProcessorStartError {
    return new ProcessorStartError('load', `cannot load processor ${what}: ${reason}`);
  }

  static initialize(reason: string): ProcessorStartError {
    return new ProcessorStartError('initialize', `processor initialize failed: ${reason}`);
  }
}
