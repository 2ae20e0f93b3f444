import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';

void describe('TokenBucket', () => {
  void it('allows one second of burst, then refills at the rate', () => {
    const b = new TokenBucket(4, 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => b.take(0)), [true, true, true, true, false]);
    assert.equal(b.take(100), false, '0.4 tokens after 100 ms');
    assert.equal(b.take(250), true, '1 token after 250 ms');
    assert.equal(b.take(250), false);
  });

  void it('never holds more than one second of tokens', () => {
    const b = new TokenBucket(2, 0);
    const taken = [0, 1, 2].map(() => b.take(60_000));
    assert.deepEqual(taken, [true, true, false]);
  });

  void it('ignores a clock that steps back', () => {
    const b = new TokenBucket(1, 1000);
    assert.equal(b.take(1000), true);
    assert.equal(b.take(0), false);
    assert.equal(b.take(1500), false, 'no refill credited for the step back');
    assert.equal(b.take(2000), true);
  });
});
