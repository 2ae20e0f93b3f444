import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelIO } from './model-io.js';
import { renderProblem } from './problems.js';
import { parseInferRequest, type InferRequest } from './v2-request.js';

const io: ModelIO = {
  inputs: [
    { name: 'image', datatype: 'FP32', unsupported: undefined, dims: ['N', 2, 2] },
    { name: 'ids', datatype: 'INT64', unsupported: undefined, dims: ['N'] },
  ],
  outputs: [
    { name: 'logits', datatype: 'FP32', unsupported: undefined, dims: ['N', 3] },
    { name: 'label', datatype: 'INT64', unsupported: undefined, dims: ['N'] },
    { name: 'probabilities', datatype: undefined, unsupported: 'it is not a tensor (a sequence or map)', dims: [] },
  ],
};

const image = { name: 'image', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, 3, 4] };
const ids = { name: 'ids', shape: [1], datatype: 'INT64', data: [7] };

function parse(body: unknown): InferRequest | string[] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const parsed = parseInferRequest(Buffer.from(text), io);
  return parsed.ok ? parsed.request : parsed.problems.list.map(renderProblem);
}

void describe('parseInferRequest', () => {
  void it('returns typed inputs in model order and every returnable output by default', () => {
    const request = parse({ id: 'r1', inputs: [ids, image] });
    assert.ok(!Array.isArray(request));
    assert.equal(request.id, 'r1');
    assert.deepEqual(
      request.inputs.map((i) => i.name),
      ['image', 'ids'],
    );
    assert.deepEqual(request.inputs[0]?.data, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(request.inputs[1]?.data, new BigInt64Array([7n]));
    assert.deepEqual(request.outputs, ['logits', 'label']);
  });

  void it('takes nested data and keeps the requested output order', () => {
    const request = parse({
      inputs: [{ ...image, data: [[[1, 2], [3, 4]]] }, ids],
      outputs: [{ name: 'label' }, { name: 'logits' }],
    });
    assert.ok(!Array.isArray(request));
    assert.deepEqual(request.inputs[0]?.data, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(request.outputs, ['label', 'logits']);
  });

  void it('explains an empty or non-JSON body', () => {
    assert.deepEqual(parse(''), ['the request body is empty: send a V2 inference request {"inputs": [{"name", "shape", "datatype", "data"}]}']);
    const notJson = parse('{"inputs": [');
    assert.ok(Array.isArray(notJson));
    assert.match(notJson[0] ?? '', /^the request body is not JSON \(.+\): send a V2 inference request/);
    assert.deepEqual(parse([1]), ['expected a JSON object {"inputs": [{"name", "shape", "datatype", "data"}]}, got an array']);
  });

  void it('lists missing and unknown inputs with the names the model expects', () => {
    assert.deepEqual(parse({ inputs: [image, { ...ids, name: 'idz' }] }), [
      'inputs[1].name: unknown input "idz" (the model\'s inputs: "image", "ids")',
      'inputs: missing input(s) "ids" (the model\'s inputs: "image", "ids")',
    ]);
    assert.deepEqual(parse({}), ['inputs: missing (the model\'s inputs: "image", "ids")']);
    assert.deepEqual(parse({ inputs: [image, ids, image] }), ['inputs[2].name: input "image" is given twice (also inputs[0])']);
  });

  void it('compares datatype and shape with the model', () => {
    assert.deepEqual(parse({ inputs: [{ ...image, datatype: 'FP64' }, { ...ids, datatype: 'INT65' }] }), [
      'inputs[0].datatype: the model\'s input "image" is FP32, got FP64',
      'inputs[1].datatype: unknown datatype "INT65" (expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES)',
    ]);
    assert.deepEqual(parse({ inputs: [{ ...image, shape: [1, 4] }, ids] }), ['inputs[0].shape: the model\'s input "image" has shape [N, 2, 2] (rank 3), got [1, 4] (rank 2)']);
    assert.deepEqual(parse({ inputs: [{ ...image, shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6] }, ids] }), [
      'inputs[0].shape[2]: the model\'s input "image" has shape [N, 2, 2], so dimension 2 must be 2, got 3',
    ]);
    assert.deepEqual(parse({ inputs: [{ ...image, shape: [-1, 2, 2] }, ids] }), ['inputs[0].shape[0]: expected a non-negative integer, got -1']);
  });

  void it('lets a symbolic dimension take any size, and checks the data against it', () => {
    const request = parse({ inputs: [{ ...image, shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { ...ids, shape: [2], data: [1, 2] }] });
    assert.ok(!Array.isArray(request));
    assert.deepEqual(parse({ inputs: [{ ...image, shape: [2, 2, 2] }, ids] }), ['inputs[0].data: holds 4 element(s) but shape [2, 2, 2] needs 8']);
  });

  void it('names the bad element with its path', () => {
    assert.deepEqual(parse({ inputs: [{ ...image, data: [1, 2, 3, 'x'] }, ids] }), ['inputs[0].data[3]: expected a number, got "x"']);
    assert.deepEqual(parse({ inputs: [{ ...image, data: [[[1, 2], [3, null]]] }, ids] }), ['inputs[0].data[0][1][1]: expected a number, got null']);
  });

  void it('checks requested outputs and unknown fields', () => {
    assert.deepEqual(parse({ inputs: [image, ids], outputs: [{ name: 'logit' }, { name: 'probabilities' }, { name: 'label', binary_data: true }] }), [
      'outputs[0].name: unknown output "logit" (the model\'s outputs: "logits", "label")',
      'outputs[1].name: output "probabilities" cannot be returned: it is not a tensor (a sequence or map)',
      'outputs[2].binary_data: unknown field (expected name, parameters)',
    ]);
    assert.deepEqual(parse({ inputs: [{ ...image, dtype: 'FP32' }, ids], id: 3, extra: 1 }), [
      'extra: unknown field (expected id, parameters, inputs, outputs)',
      'id: expected a string, got 3',
      'inputs[0].dtype: unknown field (expected name, shape, datatype, data, parameters)',
    ]);
  });
});
