// exp() as glibc computes it on x86-64 with FMA and on aarch64 (the ARM optimized-routines
// algorithm, which LightGBM's std::exp calls on Linux). V8's Math.exp differs from it in the
// last bit for about one input in ten, which would show in every sigmoid, softmax and log-link
// output; this port agrees bit for bit. The last step, scale + scale·tmp, is one fused
// multiply-add in glibc's build, so it is emulated exactly here.
import { EXP_TABLE } from './exp-table.js';

const word = new Float64Array(1);
const half = new Uint32Array(word.buffer); // little-endian: half[0] low word, half[1] high word

function fromBits(hi: number, lo: number): number {
  half[0] = lo;
  half[1] = hi;
  return word[0]!;
}

const INV_LN2_N = fromBits(0x40671547, 0x652b82fe); // 128 / ln 2
const NEG_LN2_HI_N = fromBits(0xbf762e42, 0xfefa0000); // -ln 2 / 128, high part
const NEG_LN2_LO_N = fromBits(0xbd0cf79a, 0xbc9e3b3a); // -ln 2 / 128, low part
const SHIFT = fromBits(0x43380000, 0); // 0x1.8p52
const C2 = fromBits(0x3fdfffff, 0xfffffdbd);
const C3 = fromBits(0x3fc55555, 0x5555543c);
const C4 = fromBits(0x3fa55555, 0xcf172b91);
const C5 = fromBits(0x3f811111, 0x67a4d017);
const TWO_POW_1009 = 2 ** 1009;
const TWO_POW_M1022 = 2 ** -1022;

/** a = hi + lo exactly, each half with at most 26 significant bits (Veltkamp). */
function splitHigh(a: number): number {
  const c = 134217729 * a;
  return c - (c - a);
}

/** The next double from s toward the sign of d (s is finite and non-zero). */
function stepToward(s: number, d: number): number {
  word[0] = s;
  const away = (s > 0) === (d > 0);
  let lo = half[0]!;
  let hi = half[1]!;
  if (away) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  return fromBits(hi, lo);
}

/**
 * a·b + c with a single rounding (Boldo and Melquiond, "Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd", 2008): the product exactly as p + pe, then
 * c + p exactly as th + tl, then th + odd-rounded (tl + pe). Exact while nothing overflows
 * or underflows, which holds for the operands exp() passes.
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b;
  const ah = splitHigh(a);
  const al = a - ah;
  const bh = splitHigh(b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const th = c + p;
  const cv = th - c;
  const tl = c - (th - cv) + (p - cv);
  const s = tl + pe;
  const sv = s - tl;
  const se = tl - (s - sv) + (pe - sv);
  let odd = s;
  if (se !== 0) {
    word[0] = s;
    if ((half[0]! & 1) === 0) odd = s === 0 ? se : stepToward(s, se);
  }
  return th + odd;
}

/** e^x, bit-identical to glibc's exp (FMA build). */
export function exp(x: number): number {
  word[0] = x;
  const top = half[1]!;
  let abstop = (top >>> 20) & 0x7ff;
  if (((abstop - 0x3c9) >>> 0) >= 0x3f) {
    // |x| < 2^-54: exp(x) rounds to 1 + x.
    if (((abstop - 0x3c9) >>> 0) >= 0x80000000) return 1 + x;
    if (abstop >= 0x409) {
      if (x === -Infinity) return 0;
      if (abstop >= 0x7ff) return 1 + x;
      return top >>> 31 === 1 ? 0 : Infinity;
    }
    abstop = 0; // 512 ≤ |x| < 1024: scaled below to avoid overflow
  }
  // x = k·ln2/128 + r with |r| ≤ ln2/256; exp(x) = 2^(k/128) · exp(r).
  const kdShifted = INV_LN2_N * x + SHIFT;
  word[0] = kdShifted;
  const ki = half[0]!;
  const kd = kdShifted - SHIFT;
  const r = x + kd * NEG_LN2_HI_N + kd * NEG_LN2_LO_N;
  const idx = 4 * (ki & 127);
  const tail = fromBits(EXP_TABLE[idx]!, EXP_TABLE[idx + 1]!);
  const scaleHi = (EXP_TABLE[idx + 2]! + ((ki & 0x7ffff) << 13)) >>> 0;
  const scaleLo = EXP_TABLE[idx + 3]!;
  const r2 = r * r;
  const tmp = tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (abstop === 0) return largeArgument(tmp, scaleHi, scaleLo, ki);
  const scale = fromBits(scaleHi, scaleLo);
  return fusedMultiplyAdd(scale, tmp, scale);
}

/** glibc's specialcase(): the scale's exponent would overflow or the result is subnormal. */
function largeArgument(tmp: number, scaleHi: number, scaleLo: number, ki: number): number {
  if ((ki & 0x80000000) === 0) {
    const scale = fromBits((scaleHi - (1009 << 20)) >>> 0, scaleLo);
    return TWO_POW_1009 * fusedMultiplyAdd(scale, tmp, scale);
  }
  const scale = fromBits((scaleHi + (1022 << 20)) >>> 0, scaleLo);
  let y = fusedMultiplyAdd(scale, tmp, scale);
  if (y < 1) {
    // Round once at the final precision before scaling into the subnormal range.
    let lo = scale - y + scale * tmp;
    const hi = 1 + y;
    lo = 1 - hi + y + lo;
    y = hi + lo - 1;
    if (y === 0) y = 0;
  }
  return TWO_POW_M1022 * y;
}
