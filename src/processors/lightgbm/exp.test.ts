import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exp, fusedMultiplyAdd } from './exp.js';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

// [x, exp(x)] as IEEE-754 bits, from glibc 2.36's exp on x86-64 with FMA. The first twenty are
// arguments where V8's Math.exp differs from glibc in the last bit.
const GLIBC: readonly (readonly [string, string])[] = [
  ['c0229a442eb35300', '3f17ef658cf8c03f'],
  ['401ca5d01e29e980', '4094259244598d45'],
  ['c036cc1d77feff20', '3de145c8a705a381'],
  ['4043f325bff00e20', '4387a2ecc2829953'],
  ['bffe3a20d16edc00', '3fc35a534122ddef'],
  ['c035d8ad82041620', '3df65a06f59a0359'],
  ['3fbd582b45a44000', '3ff1f17a63f128b3'],
  ['403effea832ecfe0', '42ba693ec305b5a7'],
  ['40411ea745b031c0', '430511f457f946f7'],
  ['4036d340de138c60', '41fe7b02c3badb4d'],
  ['4029711fdfe1b280', '41146d75a87309eb'],
  ['401a69b0a1c08180', '40870baf9b027d09'],
  ['c03a7e3f1e00b400', '3d8b71e108ba8ee1'],
  ['4034436371b94680', '41c2d02b44009ee1'],
  ['c032e4029c4a0f40', '3e3ad814fae150f7'],
  ['c012b3d2f3ad2400', '3f831648443afb8b'],
  ['40257a4786d40e80', '40e683fdb8e90397'],
  ['c02f23a706008a80', '3e873a42730d30d7'],
  ['c0316861ffa45420', '3e5d913c9e699945'],
  ['c02b8810a9eed080', '3eb1a21597df686b'],
  ['3fb999999999999a', '3ff1aec7b35a00d4'],
  ['3ff0000000000000', '4005bf0a8b145769'],
  ['bff0000000000000', '3fd78b56362cef38'],
  ['4086280000000000', '7fdd422d2be5dc9b'],
  ['c086200000000000', '0017c8ab2288c9ab'],
  ['4085e40000000000', '7f18625c7d4f56c2'],
  ['c082c20000000000', '09d03fcf33f2b267'],
  ['01a56e1fc2f8f359', '3ff0000000000000'],
  ['c087480000000000', '0000000000000001'],
  ['c08749999999999a', '0000000000000000'],
  ['40862e6666666666', '7ff0000000000000'],
  ['0000000000000001', '3ff0000000000000'],
];

/** a·b + c rounded once to nearest-even, in BigInt (for operands whose result stays normal). */
function exactFma(a: number, b: number, c: number): number {
  const parts = (x: number): [bigint, number] => {
    if (x === 0) return [0n, 0];
    let e = 0;
    while (!Number.isInteger(x)) [x, e] = [x * 2, e - 1];
    return [BigInt(x), e];
  };
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  const e = Math.min(ea + eb, ec);
  const n = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const shift = Math.max(0, abs.toString(2).length - 53);
  let q = abs >> BigInt(shift);
  const rest = abs - (q << BigInt(shift));
  const half = shift === 0 ? 0n : 1n << BigInt(shift - 1);
  if (shift > 0 && (rest > half || (rest === half && (q & 1n) === 1n))) q += 1n;
  return (negative ? -1 : 1) * Number(q) * 2 ** (e + shift);
}

void describe('exp', () => {
  void it('returns glibc\'s results bit for bit', () => {
    for (const [x, y] of GLIBC) {
      assert.equal(exp(fromBits(x)), fromBits(y), `exp(${fromBits(x)})`);
    }
  });

  void it('handles the special values', () => {
    assert.equal(exp(0), 1);
    assert.equal(exp(-0), 1);
    assert.equal(exp(Infinity), Infinity);
    assert.equal(exp(-Infinity), 0);
    assert.ok(Number.isNaN(exp(NaN)));
    assert.equal(exp(710), Infinity);
    assert.equal(exp(-746), 0);
    assert.equal(exp(1e-20), 1);
  });
});

void describe('fusedMultiplyAdd', () => {
  void it('rounds a·b + c once', () => {
    const e = 2 ** -52;
    // (1 + ε)(1 − ε) − 1 = −ε², lost entirely when the product is rounded first.
    assert.equal(fusedMultiplyAdd(1 + e, 1 - e, -1), -(e * e));
    assert.equal((1 + e) * (1 - e) - 1, 0);
    assert.equal(fusedMultiplyAdd(0.1, 10, -1), 5.551115123125783e-17);
    assert.equal(fusedMultiplyAdd(2, 3, 4), 10);
    assert.equal(fusedMultiplyAdd(1 + e, 1 + e, 0), 1 + 2 * e);
  });

  void it('agrees with exact rational arithmetic, ties included', () => {
    // Integer operands of 26-28 bits make exact sums of 54-56 bits: many land on or near ties.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 20000; i++) {
      const a = 2 ** 26 + (next() % 2 ** 26);
      const b = (2 ** 27 + (next() % 2 ** 27)) * (i % 2 === 0 ? 1 : -1);
      const c = (next() * 2 ** 23 + (next() % 2 ** 23)) * (i % 3 === 0 ? 1 : -1) * 2 ** (i % 5);
      assert.equal(fusedMultiplyAdd(a, b, c), exactFma(a, b, c), `${a}·${b} + ${c}`);
    }
  });
});
