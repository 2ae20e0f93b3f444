import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OnnxSessionOptions } from './config.js';
import { V2_DATATYPES, type V2Datatype } from './datatypes.js';
import { OnnxEngine } from './engine.js';
import type { EngineOutcome } from './responses.js';
import { Elem, identityModel, writeModel, type GraphDef } from './test-models.js';

const OPTIONS: OnnxSessionOptions = { graphOptimizationLevel: 'all', executionMode: 'sequential', logSeverityLevel: 4, intraOpNumThreads: 1 };
const engines: OnnxEngine[] = [];

after(async () => {
  for (const e of engines) await e.release();
});

async function load(graph: GraphDef): Promise<OnnxEngine> {
  const engine = await OnnxEngine.load(writeModel('m', graph), OPTIONS, 'svc');
  engines.push(engine);
  return engine;
}

function body(doc: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(doc));
}

interface V2Output {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

function okBody(outcome: EngineOutcome | undefined): { model_name: string; id?: string; outputs: V2Output[] } {
  assert.ok(outcome !== undefined && !('failed' in outcome), `expected a response, got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.status, 200, outcome.body);
  return JSON.parse(outcome.body) as { model_name: string; outputs: V2Output[] };
}

const ELEM: Record<V2Datatype, number> = {
  BOOL: Elem.BOOL,
  UINT8: Elem.UINT8,
  UINT16: Elem.UINT16,
  UINT32: Elem.UINT32,
  UINT64: Elem.UINT64,
  INT8: Elem.INT8,
  INT16: Elem.INT16,
  INT32: Elem.INT32,
  INT64: Elem.INT64,
  FP16: Elem.FLOAT16,
  FP32: Elem.FLOAT,
  FP64: Elem.DOUBLE,
  BYTES: Elem.STRING,
};

/** Values sent (flat, shape [2, 2]) and what comes back. */
const ROUND_TRIP: Record<V2Datatype, { sent: unknown[]; back: unknown[] }> = {
  BOOL: { sent: [true, false, false, true], back: [true, false, false, true] },
  UINT8: { sent: [0, 1, 254, 255], back: [0, 1, 254, 255] },
  UINT16: { sent: [0, 1, 65534, 65535], back: [0, 1, 65534, 65535] },
  UINT32: { sent: [0, 1, 2, 4294967295], back: [0, 1, 2, 4294967295] },
  UINT64: { sent: [0, 9007199254740991, '9007199254740993', '18446744073709551615'], back: [0, 9007199254740991, '9007199254740993', '18446744073709551615'] },
  INT8: { sent: [-128, -1, 0, 127], back: [-128, -1, 0, 127] },
  INT16: { sent: [-32768, -1, 0, 32767], back: [-32768, -1, 0, 32767] },
  INT32: { sent: [-2147483648, -1, 0, 2147483647], back: [-2147483648, -1, 0, 2147483647] },
  INT64: { sent: [-9007199254740991, 0, '-9223372036854775808', '9223372036854775807'], back: [-9007199254740991, 0, '-9223372036854775808', '9223372036854775807'] },
  FP16: { sent: [0.1, -2, 65504, 'NaN'], back: [0.0999755859375, -2, 65504, 'NaN'] },
  FP32: { sent: [0.1, -1e-40, 'Infinity', 3.4028234663852886e38], back: [Math.fround(0.1), Math.fround(-1e-40), 'Infinity', 3.4028234663852886e38] },
  FP64: { sent: [0.1, -1e-300, '-Infinity', 1.7976931348623157e308], back: [0.1, -1e-300, '-Infinity', 1.7976931348623157e308] },
  BYTES: { sent: ['a', '', 'çé', '日本'], back: ['a', '', 'çé', '日本'] },
};

void describe('OnnxEngine', () => {
  for (const datatype of V2_DATATYPES) {
    void it(`round-trips ${datatype} through an Identity model`, async () => {
      const engine = await load(identityModel(ELEM[datatype]));
      const { sent, back } = ROUND_TRIP[datatype];
      const response = okBody(await engine.infer(body({ id: 'q', inputs: [{ name: 'x', shape: [2, 2], datatype, data: sent }] })));
      assert.deepEqual(response, { model_name: 'svc', id: 'q', outputs: [{ name: 'y', shape: [2, 2], datatype, data: back }] });
    });
  }

  void it('answers a bad request with 400 EASEL_BAD_INPUT listing each problem', async () => {
    const engine = await load(identityModel(Elem.FLOAT));
    const outcome = await engine.infer(body({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 'x'] }] }));
    assert.ok(!('failed' in outcome));
    assert.equal(outcome.status, 400);
    assert.deepEqual(JSON.parse(outcome.body), {
      code: 'EASEL_BAD_INPUT',
      message: 'inputs[0].data[1]: expected a number, got "x"',
      details: { problems: [{ path: 'inputs[0].data[1]', message: 'expected a number, got "x"' }] },
    });
  });

  void it('reports a runtime failure with onnxruntime\'s reason', async () => {
    const engine = await load({
      opset: 17,
      inputs: [
        { name: 'data', elem: Elem.FLOAT, dims: ['N'] },
        { name: 'shape', elem: Elem.INT64, dims: [2] },
      ],
      outputs: [{ name: 'out', elem: Elem.FLOAT }],
      nodes: [{ op: 'Reshape', inputs: ['data', 'shape'], outputs: ['out'] }],
    });
    const good = okBody(await engine.infer(body({ inputs: [{ name: 'data', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'shape', shape: [2], datatype: 'INT64', data: [2, 2] }] })));
    assert.deepEqual(good.outputs[0]?.shape, [2, 2]);
    const outcome = await engine.infer(body({ inputs: [{ name: 'data', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'shape', shape: [2], datatype: 'INT64', data: [3, 3] }] }));
    assert.ok('failed' in outcome);
    assert.match(outcome.failed, /^onnxruntime: .*reshape/i);
  });

  void it('leaves out outputs that are not tensors and refuses inputs that are not', async () => {
    const engine = await load({
      opset: 17,
      inputs: [{ name: 'x', elem: Elem.FLOAT, dims: ['N', 2] }],
      outputs: [
        { name: 'y', elem: Elem.FLOAT, dims: ['N', 2] },
        { name: 's', elem: Elem.FLOAT, dims: ['N', 2], sequence: true },
      ],
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['y'] },
        { op: 'SequenceConstruct', inputs: ['x'], outputs: ['s'] },
      ],
    });
    assert.equal(engine.io.outputs[1]?.unsupported, 'it is not a tensor (a sequence or map)');
    const response = okBody(await engine.infer(body({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] })));
    assert.deepEqual(
      response.outputs.map((o) => o.name),
      ['y'],
    );
    await assert.rejects(
      OnnxEngine.load(
        writeModel('seq-in', {
          opset: 17,
          inputs: [{ name: 's', elem: Elem.FLOAT, dims: ['N'], sequence: true }],
          outputs: [{ name: 'n', elem: Elem.INT64, dims: [] }],
          nodes: [{ op: 'SequenceLength', inputs: ['s'], outputs: ['n'] }],
        }),
        OPTIONS,
        'svc',
      ),
      { message: 'the onnx processor cannot feed input "s": it is not a tensor (a sequence or map)' },
    );
  });

  void it('rejects a file that is not a model with onnxruntime\'s reason', async () => {
    const file = writeModel('m', identityModel(Elem.FLOAT));
    await assert.rejects(OnnxEngine.load(`${file}.missing`, OPTIONS, 'svc'), /File doesn't exist/);
  });
});

void describe('OnnxEngine.inferMany', () => {
  const add: GraphDef = {
    opset: 17,
    inputs: [
      { name: 'a', elem: Elem.FLOAT, dims: ['N', 2] },
      { name: 'b', elem: Elem.FLOAT, dims: ['N', 2] },
    ],
    outputs: [{ name: 'c', elem: Elem.FLOAT, dims: ['N', 2] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['c'] }],
  };

  function addRequest(rows: number, start: number, id?: string): Uint8Array {
    const a = Array.from({ length: rows * 2 }, (_, i) => start + i);
    return body({ ...(id === undefined ? {} : { id }), inputs: [{ name: 'a', shape: [rows, 2], datatype: 'FP32', data: a }, { name: 'b', shape: [rows, 2], datatype: 'FP32', data: a.map((v) => v * 10) }] });
  }

  void it('answers merged requests exactly as it answers each alone, and a bad one alone with its 400', async () => {
    const engine = await load(add);
    const bad = body({ inputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] });
    const bodies = [addRequest(1, 0, 'r0'), bad, addRequest(3, 100, 'r2'), addRequest(2, 7)];
    const merged = await engine.inferMany(bodies);
    const alone = await Promise.all(bodies.map((b) => engine.infer(b)));
    assert.deepEqual(merged, alone);
    assert.equal((merged[1] as { status: number }).status, 400);
    assert.deepEqual(okBody(merged[2]).outputs[0], { name: 'c', shape: [3, 2], datatype: 'FP32', data: [1100, 1111, 1122, 1133, 1144, 1155] });
    assert.equal(okBody(merged[2]).id, 'r2');
  });

  void it('runs requests one by one when an output does not follow the batch axis', async () => {
    const engine = await load({
      opset: 17,
      inputs: [{ name: 'x', elem: Elem.FLOAT, dims: ['N', 2] }],
      outputs: [{ name: 'flat', elem: Elem.FLOAT, dims: ['M'] }],
      nodes: [{ op: 'Reshape', inputs: ['x', 'minus_one'], outputs: ['flat'] }],
      initializers: [{ name: 'minus_one', dims: [1], values: [-1] }],
    });
    const bodies = [body({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] }), body({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [3, 4, 5, 6] }] })];
    const merged = await engine.inferMany(bodies);
    assert.deepEqual(okBody(merged[0]).outputs[0]?.data, [1, 2]);
    assert.deepEqual(okBody(merged[1]).outputs[0]?.data, [3, 4, 5, 6]);
  });

  void it('fails only the request that breaks a merged call', async () => {
    const engine = await load({
      opset: 17,
      inputs: [
        { name: 'x', elem: Elem.FLOAT, dims: ['N', 3] },
        { name: 'i', elem: Elem.INT64, dims: ['N', 1] },
      ],
      outputs: [{ name: 'y', elem: Elem.FLOAT, dims: ['N', 1] }],
      nodes: [{ op: 'GatherElements', inputs: ['x', 'i'], outputs: ['y'], int: { axis: 1 } }],
    });
    const pick = (index: number): Uint8Array => body({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [10, 20, 30] }, { name: 'i', shape: [1, 1], datatype: 'INT64', data: [index] }] });
    const [first, broken, last] = await engine.inferMany([pick(0), pick(7), pick(2)]);
    assert.deepEqual(okBody(first).outputs[0]?.data, [10]);
    assert.ok(broken !== undefined && 'failed' in broken, JSON.stringify(broken));
    assert.deepEqual(okBody(last).outputs[0]?.data, [30]);
  });
});
