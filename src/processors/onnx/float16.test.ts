import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FP16_MAX, fromFp16Bits, overflowsFp16, toFp16Bits } from './float16.js';

void describe('toFp16Bits', () => {
  void it('encodes exact values', () => {
    assert.equal(toFp16Bits(1), 0x3c00);
    assert.equal(toFp16Bits(-2), 0xc000);
    assert.equal(toFp16Bits(0), 0);
    assert.equal(toFp16Bits(-0), 0x8000);
    assert.equal(toFp16Bits(FP16_MAX), 0x7bff);
    assert.equal(toFp16Bits(2 ** -14), 0x0400);
    assert.equal(toFp16Bits(2 ** -24), 0x0001);
    assert.equal(toFp16Bits(Infinity), 0x7c00);
    assert.equal(toFp16Bits(-Infinity), 0xfc00);
    assert.ok(Number.isNaN(fromFp16Bits(toFp16Bits(NaN))));
  });

  void it('rounds to nearest with ties to even, once, from double', () => {
    assert.equal(toFp16Bits(0.1), 0x2e66);
    assert.equal(toFp16Bits(1 + 2 ** -11), 0x3c00, 'halfway between 1 and the next half: even is 1');
    assert.equal(toFp16Bits(1 + 3 * 2 ** -11), 0x3c02, 'halfway, rounds up to the even mantissa');
    assert.equal(toFp16Bits(2 ** -25), 0, 'half the smallest subnormal: ties to even zero');
    assert.equal(toFp16Bits(3 * 2 ** -25), 0x0002);
    assert.equal(toFp16Bits(2 - 2 ** -12), 0x4000, 'rounding carries into the exponent');
    assert.equal(toFp16Bits(65519), 0x7bff);
    assert.equal(toFp16Bits(65520), 0x7c00);
    // A double just above a half-way point must round up; via float32 it would tie and round to even.
    assert.equal(toFp16Bits(1 + 2 ** -11 + 2 ** -40), 0x3c01);
  });

  void it('round-trips every non-NaN half', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = fromFp16Bits(bits);
      if (Number.isNaN(v)) continue;
      assert.equal(toFp16Bits(v), bits, `bits 0x${bits.toString(16)}`);
    }
  });

  void it('tells which finite values overflow', () => {
    assert.equal(overflowsFp16(65504), false);
    assert.equal(overflowsFp16(65519.9), false);
    assert.equal(overflowsFp16(-65520), true);
    assert.equal(overflowsFp16(Infinity), false);
  });
});
