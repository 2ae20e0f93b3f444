// The messages between the instance's main thread and its processor thread.
import type { ProcessorContext, RequestInfo } from '../types.js';

/** Passed as workerData: everything the thread needs to load and initialize the processor. */
export interface WorkerSetup {
  /** Absolute path of the module file (see resolve-module.ts). */
  modulePath: string;
  /** The processor's context without its logger, which the thread builds for itself. */
  context: Omit<ProcessorContext, 'logger'>;
}

export type ToWorker =
  | { t: 'call'; id: number; body: ArrayBuffer; request: RequestInfo }
  /** Requests the host merged (rpc.batching): one processBatch() call when the module has one. */
  | { t: 'batch'; ids: number[]; bodies: ArrayBuffer[]; requests: RequestInfo[] }
  | { t: 'ping'; seq: number }
  | { t: 'close' };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromWorker =
  | { t: 'ready' }
  | { t: 'start-failed'; phase: 'load' | 'initialize'; message: string; stack: string | undefined }
  | { t: 'result'; id: number; status: number; headers: Record<string, string>; body: ArrayBuffer }
  | { t: 'failure'; id: number; reason: string; stack: string | undefined }
  | { t: 'pong'; seq: number }
  | { t: 'log'; level: LogLevel; msg: string; extra: object | undefined }
  | { t: 'closed'; error: string | undefined };
