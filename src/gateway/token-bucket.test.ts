import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './token-bucket.js';

void describe('TokenBucket', () => {
  void it('allows one second of burst, then the rate', () => {
    const b = new TokenBucket(3, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(100), false);
    assert.equal(b.take(334), true);
    assert.equal(b.take(334), false);
  });

  void it('never holds more than one second of tokens', () => {
    const b = new TokenBucket(2, 0);
    assert.deepEqual([b.take(60_000), b.take(60_000), b.take(60_000)], [true, true, false]);
  });

  void it('keeps earned tokens, capped, when the rate changes', () => {
    const b = new TokenBucket(10, 0);
    b.setRate(1);
    assert.deepEqual([b.take(0), b.take(0)], [true, false]);
    assert.equal(b.rate, 1);
  });
});
