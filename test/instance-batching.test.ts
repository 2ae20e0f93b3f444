// Dynamic batching in the instance host: a full batch goes at once, a partial one after
// max_batch_timeout, every response is its own request's, a failing request fails alone, and
// stats count the batches by size.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, fixture, getJson, startHost, type RunningHost } from './instance-support.js';

void describe('dynamic batching with a custom processBatch', () => {
  let h: RunningHost;
  before(async () => {
    // A long timeout: batches here are cut by size, or by the timeout when the test wants it.
    h = await startHost({ processor_path: fixture('batches.mjs'), metadata: { rpc: { batching: true, max_batch_size: 8, max_batch_timeout: 1500, worker_threads: 1 } } });
  });
  after(() => h.stop());

  void it('merges concurrent requests into one processBatch call and answers each with its own result', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => call(h.port, { path: `/r${i}`, body: `request ${i}` })));
    replies.forEach((r, i) => {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json(), { batch: 8, body: `request ${i}`, path: `/r${i}` });
    });
  });

  void it('sends a partial batch when max_batch_timeout passes, and fails a bad request alone', async () => {
    const replies = await Promise.all(['a', 'fail', 'b'].map((body) => call(h.port, { body })));
    assert.deepEqual(replies[0]?.json(), { batch: 3, body: 'a', path: '/' });
    assert.equal(replies[1]?.status, 500);
    assert.match(replies[1]?.text ?? '', /this request asked to fail/);
    assert.deepEqual(replies[2]?.json(), { batch: 3, body: 'b', path: '/' });
  });

  void it('counts batches by size in the instance stats', async () => {
    const { body } = await getJson(h.port, '/__easel/stats');
    assert.deepEqual(body.batching, { batches: 2, requests: 11, sizes: { '3': 1, '8': 1 } });
  });
});

void describe('dynamic batching with a processor that has no batch entry point', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor: 'echo', metadata: { rpc: { batching: true, max_batch_size: 4, max_batch_timeout: 1500 } } });
  });
  after(() => h.stop());

  void it('still answers every request with its own body', async () => {
    const replies = await Promise.all(Array.from({ length: 4 }, (_, i) => call(h.port, { body: `echo ${i}` })));
    replies.forEach((r, i) => assert.equal(r.text, `echo ${i}`));
    const { body } = await getJson(h.port, '/__easel/stats');
    assert.deepEqual(body.batching, { batches: 1, requests: 4, sizes: { '4': 1 } });
  });
});
