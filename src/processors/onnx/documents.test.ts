import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelMetadataDocument, signatureDocument } from './documents.js';
import type { ModelIO } from './model-io.js';

const io: ModelIO = {
  inputs: [{ name: 'input', datatype: 'FP32', unsupported: undefined, dims: ['batch', 4] }],
  outputs: [
    { name: 'label', datatype: 'INT64', unsupported: undefined, dims: ['batch'] },
    { name: 'probabilities', datatype: undefined, unsupported: 'it is not a tensor (a sequence or map)', dims: [] },
  ],
};
const file = { file: '/models/m.onnx', sha256: 'ab', bytes: 10 };

void describe('signatureDocument', () => {
  void it('writes -1 for symbolic dimensions and keeps their names', () => {
    assert.deepEqual(signatureDocument(io, file, undefined), {
      processor: 'onnx',
      model: file,
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4], dim_names: ['batch', null] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1], dim_names: ['batch'] },
        { name: 'probabilities', datatype: null, shape: [], unsupported: 'it is not a tensor (a sequence or map)' },
      ],
    });
  });

  void it('describes batching when it is on', () => {
    const doc = signatureDocument(io, file, { maxBatchSize: 32, maxBatchTimeoutMs: 5 });
    assert.deepEqual(doc['batching'], { max_batch_size: 32, max_batch_timeout_ms: 5, axis: 0, merges_requests: true });
    const fixed: ModelIO = { inputs: [{ name: 'x', datatype: 'FP32', unsupported: undefined, dims: [1, 4] }], outputs: [] };
    assert.deepEqual(signatureDocument(fixed, file, { maxBatchSize: 8, maxBatchTimeoutMs: 2 })['batching'], {
      max_batch_size: 8,
      max_batch_timeout_ms: 2,
      axis: 0,
      merges_requests: false,
      reason: 'input "x" has a fixed first dimension (1): requests run one by one',
    });
  });
});

void describe('modelMetadataDocument', () => {
  void it('follows the V2 model metadata form and leaves out what cannot be returned', () => {
    assert.deepEqual(modelMetadataDocument(io, 'iris'), {
      name: 'iris',
      platform: 'onnxruntime',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
    });
  });
});
