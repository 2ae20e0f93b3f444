import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessorJob, ProcessorOutcome, RunnerLogger } from '../runner.js';
import { ProcessorStartError } from '../runner.js';
import { createOnnxRunner } from './index.js';
import { Elem, identityModel, writeModel } from './test-models.js';

const quiet: RunnerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let nextId = 1;

function call(method: string, path: string, body: unknown = ''): { job: ProcessorJob; outcome: Promise<ProcessorOutcome> } {
  let settle: (o: ProcessorOutcome) => void = () => undefined;
  const outcome = new Promise<ProcessorOutcome>((resolve) => (settle = resolve));
  let settled = 0;
  const job: ProcessorJob = {
    id: nextId++,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    request: { method, path, query: '', headers: {} },
    settle(o) {
      settled++;
      assert.equal(settled, 1, 'a job settles once');
      settle(o);
    },
  };
  return { job, outcome };
}

function json(outcome: ProcessorOutcome): { status: number; body: Record<string, unknown> } {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(outcome.headers['content-type'], 'application/json');
  return { status: outcome.status, body: JSON.parse(outcome.body.toString()) as Record<string, unknown> };
}

const x = (rows: number[][]): unknown => ({ inputs: [{ name: 'x', shape: [rows.length, 2], datatype: 'FP32', data: rows }] });

void describe('the onnx runner', () => {
  void it('serves the signature, V2 metadata and inference from its model thread', async () => {
    const file = writeModel('identity', identityModel(Elem.FLOAT));
    const runner = await createOnnxRunner({ service: 'iris', modelFile: file, modelConfig: { intra_op_num_threads: 1 }, logger: quiet, batching: { maxBatchSize: 8, maxBatchTimeoutMs: 3 } });
    await runner.start();
    try {
      const signature = call('GET', '/');
      runner.submit(signature.job);
      const sig = json(await signature.outcome).body;
      assert.equal(sig['processor'], 'onnx');
      assert.deepEqual(sig['inputs'], [{ name: 'x', datatype: 'FP32', shape: [-1, 2], dim_names: ['N', null] }]);
      assert.match((sig['model'] as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(sig['batching'], { max_batch_size: 8, max_batch_timeout_ms: 3, axis: 0, merges_requests: true });

      const meta = call('GET', '/v2/models/iris');
      runner.submit(meta.job);
      assert.deepEqual(json(await meta.outcome).body, { name: 'iris', platform: 'onnxruntime', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }] });
      const ready = call('GET', '/v2/models/iris/ready');
      runner.submit(ready.job);
      assert.deepEqual(json(await ready.outcome), { status: 200, body: { name: 'iris', ready: true } });

      const missing = call('GET', '/predict');
      runner.submit(missing.job);
      const notFound = json(await missing.outcome);
      assert.equal(notFound.status, 404);
      assert.equal(notFound.body['code'], 'EASEL_ROUTE_NOT_FOUND');
      assert.equal(notFound.body['message'], 'no such endpoint: GET /predict');

      const binary = call('POST', '/', 'binary');
      binary.job.request.headers['inference-header-content-length'] = '100';
      runner.submit(binary.job);
      const refused = json(await binary.outcome);
      assert.equal(refused.status, 400);
      assert.match(String(refused.body['message']), /binary tensor data extension/);

      const infer = call('POST', '/v2/models/iris/infer', x([[1, 2]]));
      runner.submit(infer.job);
      assert.deepEqual(json(await infer.outcome), { status: 200, body: { model_name: 'iris', outputs: [{ name: 'y', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] } });
    } finally {
      await runner.close(1000);
    }
  });

  void it('settles each job of a batch on its own, a bad one with its 400', async () => {
    const runner = await createOnnxRunner({ service: 's', modelFile: writeModel('identity', identityModel(Elem.FLOAT)), modelConfig: undefined, logger: quiet });
    await runner.start();
    try {
      const calls = [call('POST', '/', x([[1, 2]])), call('POST', '/', ''), call('GET', '/v2/health/ready'), call('POST', '/', x([[3, 4], [5, 6]]))];
      runner.submitBatch?.(calls.map((c) => c.job));
      const [first, empty, health, last] = await Promise.all(calls.map(async (c) => json(await c.outcome)));
      assert.deepEqual(first?.body['outputs'], [{ name: 'y', shape: [1, 2], datatype: 'FP32', data: [1, 2] }]);
      assert.equal(empty?.status, 400);
      assert.equal(empty?.body['code'], 'EASEL_BAD_INPUT');
      assert.deepEqual(health?.body, { ready: true });
      assert.deepEqual(last?.body['outputs'], [{ name: 'y', shape: [2, 2], datatype: 'FP32', data: [3, 4, 5, 6] }]);
    } finally {
      await runner.close(1000);
    }
  });

  void it('drops the outcome of an expired job and refuses work once closed', async () => {
    const runner = await createOnnxRunner({ service: 's', modelFile: writeModel('identity', identityModel(Elem.FLOAT)), modelConfig: undefined, logger: quiet });
    await runner.start();
    const expired = call('POST', '/', x([[1, 2]]));
    runner.submit(expired.job);
    runner.expire(expired.job);
    const later = call('POST', '/', x([[1, 2]]));
    runner.submit(later.job);
    assert.equal(json(await later.outcome).status, 200);
    await runner.close(1000);
    const closed = call('POST', '/', x([[1, 2]]));
    runner.submit(closed.job);
    assert.deepEqual(await closed.outcome, { ok: false, error: 'unavailable', reason: 'the onnx model is not loaded' });
    const result = await Promise.race([expired.outcome.then(() => 'settled'), new Promise((resolve) => setTimeout(resolve, 50, 'dropped'))]);
    assert.equal(result, 'dropped');
  });

  void it('fails to start with the file and the reason', async () => {
    const file = writeModel('broken', identityModel(Elem.FLOAT)).replace(/broken-\d+\.onnx$/, 'absent.onnx');
    const absent = await createOnnxRunner({ service: 's', modelFile: file, modelConfig: undefined, logger: quiet });
    await assert.rejects(absent.start(), (e: unknown) => {
      assert.ok(e instanceof ProcessorStartError);
      assert.equal(e.phase, 'initialize');
      assert.equal(e.message, `processor initialize failed: model file ${file}: no such file`);
      return true;
    });
    const badConfig = await createOnnxRunner({ service: 's', modelFile: file, modelConfig: { threads: 2 }, logger: quiet });
    await assert.rejects(badConfig.start(), { message: /^processor initialize failed: model_config.threads: unknown option/ });
  });
});
