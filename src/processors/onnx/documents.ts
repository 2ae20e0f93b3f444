// The JSON documents GET endpoints answer with: easel's signature of the service (GET /) and
// the V2 model and server metadata.
import { VERSION } from '../../shared/version.js';
import type { ModelFileInfo } from '../model-file.js';
import { batchAxis, v2Shape, type ModelIO, type TensorSpec } from './model-io.js';

/** The service's rpc batching settings, when metadata.rpc.batching is on. */
export interface BatchingSettings {
  readonly maxBatchSize: number;
  readonly maxBatchTimeoutMs: number;
}

function signatureTensor(t: TensorSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.name, datatype: t.datatype ?? null, shape: v2Shape(t.dims) };
  if (t.dims.some((d) => typeof d === 'string')) out['dim_names'] = t.dims.map((d) => (typeof d === 'string' ? d : null));
  if (t.unsupported !== undefined) out['unsupported'] = t.unsupported;
  return out;
}

/** GET /: what the service takes and returns, and the model file it serves. */
export function signatureDocument(io: ModelIO, file: ModelFileInfo, batching: BatchingSettings | undefined): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    processor: 'onnx',
    model: { file: file.file, sha256: file.sha256, bytes: file.bytes },
    inputs: io.inputs.map(signatureTensor),
    outputs: io.outputs.map(signatureTensor),
  };
  if (batching !== undefined) {
    const axis = batchAxis(io);
    doc['batching'] = {
      max_batch_size: batching.maxBatchSize,
      max_batch_timeout_ms: batching.maxBatchTimeoutMs,
      axis: 0,
      merges_requests: axis.mergeable,
      ...(axis.mergeable ? {} : { reason: `${axis.reason}: requests run one by one` }),
    };
  }
  return doc;
}

function metadataTensor(t: TensorSpec): Record<string, unknown> {
  return { name: t.name, datatype: t.datatype, shape: v2Shape(t.dims) };
}

/** GET /v2/models/<name>: V2 model metadata. Outputs this processor cannot return are left out. */
export function modelMetadataDocument(io: ModelIO, name: string): Record<string, unknown> {
  return {
    name,
    platform: 'onnxruntime',
    inputs: io.inputs.map(metadataTensor),
    outputs: io.outputs.filter((o) => o.unsupported === undefined).map(metadataTensor),
  };
}

/** GET /v2: V2 server metadata. */
export function serverMetadataDocument(): Record<string, unknown> {
  return { name: 'easel', version: VERSION, extensions: [] };
}
