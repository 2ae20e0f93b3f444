// IEEE 754 half precision as raw bits: Node 20 has no Float16Array, and onnxruntime takes and
// returns FP16 tensors as Uint16Array. Conversion goes straight from double (not via float32)
// so a value is rounded once, to nearest with ties to even.

/** The largest finite half; anything whose magnitude rounds above it becomes infinite. */
export const FP16_MAX = 65504;

/** Magnitudes from here up round to infinity (halfway between 65504 and 65536, ties to even). */
const FP16_OVERFLOW = 65520;
const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** True when `v` is finite but too large for a half (it would round to infinity). */
export function overflowsFp16(v: number): boolean {
  return Number.isFinite(v) && Math.abs(v) >= FP16_OVERFLOW;
}

/** The half-precision bits nearest to `v`. */
export function toFp16Bits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= FP16_OVERFLOW) return sign | 0x7c00;
  // Subnormal (and zero): a multiple of 2^-24. A result of 1024 is the smallest normal, whose
  // bits are exactly 0x0400, so no special case is needed.
  if (a < MIN_NORMAL) return sign | roundHalfEven(a / SUBNORMAL_STEP);
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one near powers of two; fix it with exact comparisons.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let mantissa = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | mantissa;
}

/** The number a half's bits stand for. */
export function fromFp16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * SUBNORMAL_STEP;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
