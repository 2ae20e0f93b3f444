import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concatInputs, mergeKey, planGroups, requestRows, splitRows } from './batch-plan.js';
import type { ModelIO } from './model-io.js';
import type { InferRequest } from './v2-request.js';

const io: ModelIO = {
  inputs: [{ name: 'x', datatype: 'FP32', unsupported: undefined, dims: ['N', 'T'] }],
  outputs: [
    { name: 'y', datatype: 'FP32', unsupported: undefined, dims: ['N', 'T'] },
    { name: 'total', datatype: 'FP32', unsupported: undefined, dims: [1] },
  ],
};

function request(rows: number, width: number, outputs = ['y'], start = 0): InferRequest {
  const data = Float32Array.from({ length: rows * width }, (_, i) => start + i);
  return { id: undefined, inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, width], data }], outputs };
}

void describe('planGroups', () => {
  void it('merges requests with equal inputs after axis 0 and equal outputs, in arrival order', () => {
    const requests = [request(1, 2), request(3, 4), request(2, 2), request(1, 2, ['total']), request(5, 4), request(1, 2, ['y'])];
    assert.deepEqual(planGroups(requests, io), [[0, 2, 5], [1, 4], [3]]);
  });

  void it('keeps a request whose inputs disagree on axis 0 alone', () => {
    const two: ModelIO = { inputs: [...io.inputs, { name: 'z', datatype: 'FP32', unsupported: undefined, dims: ['N'] }], outputs: io.outputs };
    const odd: InferRequest = { id: undefined, inputs: [...request(2, 2).inputs, { name: 'z', datatype: 'FP32', shape: [3], data: new Float32Array(3) }], outputs: ['y'] };
    assert.equal(requestRows(odd), undefined);
    assert.deepEqual(planGroups([odd, odd], two), [[0], [1]]);
  });

  void it('merges nothing when axis 0 of an input is fixed', () => {
    const fixed: ModelIO = { inputs: [{ name: 'x', datatype: 'FP32', unsupported: undefined, dims: [1, 'T'] }], outputs: io.outputs };
    assert.deepEqual(planGroups([request(1, 2), request(1, 2)], fixed), [[0], [1]]);
  });

  void it('treats output order as part of nothing but the response', () => {
    assert.equal(mergeKey(request(1, 2, ['y', 'total'])), mergeKey(request(4, 2, ['total', 'y'])));
    assert.notEqual(mergeKey(request(1, 2)), mergeKey(request(1, 3)));
  });
});

void describe('concatInputs and splitRows', () => {
  void it('concatenate along axis 0 and split back by rows', () => {
    const requests = [request(1, 2, ['y'], 0), request(2, 2, ['y'], 10)];
    const [merged] = concatInputs(requests);
    assert.deepEqual(merged?.shape, [3, 2]);
    assert.deepEqual(merged?.data, new Float32Array([0, 1, 10, 11, 12, 13]));
    const parts = splitRows({ shape: [3, 2], data: merged?.data ?? [] }, [1, 2]);
    assert.deepEqual(parts, [
      { shape: [1, 2], data: new Float32Array([0, 1]) },
      { shape: [2, 2], data: new Float32Array([10, 11, 12, 13]) },
    ]);
  });

  void it('split strings too, and refuse an output that does not follow the batch axis', () => {
    assert.deepEqual(splitRows({ shape: [3], data: ['a', 'b', 'c'] }, [2, 1]), [
      { shape: [2], data: ['a', 'b'] },
      { shape: [1], data: ['c'] },
    ]);
    assert.equal(splitRows({ shape: [6], data: new Float32Array(6) }, [1, 2]), undefined);
  });
});
