// The messages between the instance's main thread and the thread that holds the onnxruntime
// session. onnxruntime-node runs a model synchronously on the calling thread, so the session
// lives in its own thread and the main thread stays free for HTTP, deadlines and health.
import type { OnnxSessionOptions } from './config.js';
import type { ModelIO } from './model-io.js';

/** Passed as workerData. */
export interface OnnxThreadSetup {
  readonly modelFile: string;
  /** `model_name` of the V2 responses: the service. */
  readonly modelName: string;
  readonly options: OnnxSessionOptions;
}

/** A response body as a transferred ArrayBuffer, or a runtime failure (500). */
export type WireOutcome = { status: number; body: ArrayBuffer } | { failed: string };

export type ToOnnxThread =
  /** Inference request bodies; several are merged where they fit. */
  | { t: 'infer'; ids: number[]; bodies: ArrayBuffer[] }
  | { t: 'close' };

export type FromOnnxThread =
  | { t: 'ready'; io: ModelIO }
  | { t: 'start-failed'; reason: string }
  | { t: 'outcomes'; ids: number[]; outcomes: WireOutcome[] }
  | { t: 'closed'; error: string | undefined };
