import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher } from './batcher.js';

function collect(opts: { maxBatchSize: number; maxBatchTimeoutMs: number; maxInFlight: number }): { batches: number[][]; batcher: Batcher<number> } {
  const batches: number[][] = [];
  const batcher = new Batcher<number>({ ...opts, dispatch: (jobs) => batches.push(jobs) });
  return { batches, batcher };
}

test('a full batch goes at once; the rest waits for the timeout', async () => {
  const { batches, batcher } = collect({ maxBatchSize: 3, maxBatchTimeoutMs: 30, maxInFlight: 4 });
  for (let i = 1; i <= 4; i++) batcher.add(i);
  assert.deepEqual(batches, [[1, 2, 3]]);
  assert.equal(batcher.pending, 1);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(batches, [[1, 2, 3], [4]]);
  batcher.close();
});

test('with every slot busy, pending jobs gather until a batch finishes', () => {
  const { batches, batcher } = collect({ maxBatchSize: 2, maxBatchTimeoutMs: 10_000, maxInFlight: 1 });
  batcher.add(1);
  batcher.add(2);
  batcher.add(3);
  batcher.add(4);
  batcher.add(5);
  assert.deepEqual(batches, [[1, 2]]);
  batcher.batchDone();
  assert.deepEqual(batches, [[1, 2], [3, 4]]);
  assert.equal(batcher.inFlight, 1);
  batcher.batchDone();
  assert.equal(batcher.pending, 1, 'a lone job waits for its timeout, not for company forever');
  batcher.flushAll();
  assert.deepEqual(batches.at(-1), [5]);
  batcher.close();
});

test('a removed job never reaches the processor', async () => {
  const { batches, batcher } = collect({ maxBatchSize: 8, maxBatchTimeoutMs: 20, maxInFlight: 1 });
  batcher.add(1);
  batcher.add(2);
  assert.equal(batcher.remove(1), true);
  assert.equal(batcher.remove(1), false);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(batches, [[2]]);
  batcher.close();
});

test('a processor that settles inside dispatch does not recurse', () => {
  const batches: number[][] = [];
  const batcher: Batcher<number> = new Batcher<number>({
    maxBatchSize: 1,
    maxBatchTimeoutMs: 1000,
    maxInFlight: 1,
    dispatch: (jobs) => {
      batches.push(jobs);
      batcher.batchDone();
    },
  });
  for (let i = 0; i < 1000; i++) batcher.add(i);
  assert.equal(batches.length, 1000);
  batcher.close();
});
