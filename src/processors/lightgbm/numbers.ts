// Number parsing shared by the model-file reader and the request-value converter. Both are
// strict: "12abc", "0x10" or "" are not numbers (Number() would take some of them).

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** LightGBM's zero threshold (1e-35f widened to double): smaller magnitudes count as zero. */
export const ZERO_THRESHOLD = 1.0000000180025095e-35;

/**
 * A decimal number, or infinity / NaN as C++ streams, Python and JavaScript spell them
 * ("inf", "-inf", "Infinity", "nan", "-nan(ind)", "1.#INF"); undefined for anything else.
 */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  const lower = t.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity' || body === '1.#inf') return sign * Infinity;
  if (body === 'nan' || body.startsWith('nan(') || body === '1.#ind' || body === '1.#qnan') return NaN;
  return undefined;
}

/** A whole number written in decimal digits (no exponent, no fraction); undefined otherwise. */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!INTEGER.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}
