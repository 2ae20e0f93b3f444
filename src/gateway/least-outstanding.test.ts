import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickLeastOutstanding, type Candidate } from './least-outstanding.js';

void describe('pickLeastOutstanding', () => {
  const inst = (outstanding: number, refusedUntil = 0, retired = false): Candidate => ({ outstanding, refusedUntil, retired });

  void it('picks the instance with the fewest requests in flight', () => {
    assert.equal(pickLeastOutstanding([inst(3), inst(1), inst(2)], 0, 0, []), 1);
  });

  void it('spreads ties by rotation', () => {
    const all = [inst(0), inst(0), inst(0)];
    assert.deepEqual([0, 1, 2, 3].map((r) => pickLeastOutstanding(all, r, 0, [])), [0, 1, 2, 0]);
  });

  void it('skips instances already tried, and retired ones', () => {
    const all = [inst(0), inst(5), inst(0, 0, true)];
    assert.equal(pickLeastOutstanding(all, 0, 0, [all[0]!]), 1);
    assert.equal(pickLeastOutstanding(all, 0, 0, [all[0]!, all[1]!]), -1);
  });

  void it('avoids recently refused instances unless nothing else is left', () => {
    const all = [inst(0, 2_000), inst(9)];
    assert.equal(pickLeastOutstanding(all, 0, 1_000, []), 1);
    assert.equal(pickLeastOutstanding(all, 0, 1_000, [all[1]!]), 0);
    assert.equal(pickLeastOutstanding(all, 0, 2_000, []), 0);
  });
});
