// The built-in `onnx` processor: serves an ONNX model with onnxruntime (CPU) over the Open
// Inference Protocol (V2), with easel's signature at GET /.
import type { ProcessorRunner } from '../runner.js';
import { OnnxRunner, type OnnxRunnerOptions } from './onnx-runner.js';

export type { OnnxRunnerOptions } from './onnx-runner.js';
export type { BatchingSettings } from './documents.js';

/** The runner for one ONNX model file; start() loads it (rejecting with a ProcessorStartError when it cannot). */
export async function createOnnxRunner(opts: OnnxRunnerOptions): Promise<ProcessorRunner> {
  return new OnnxRunner(opts);
}
