// The row matrix the evaluators read: one Float64Array row of 2 × numFeature + 1 values per
// request row. Section A (columns 0..nf−1) holds each feature with a missing value written as
// MISSING_LOW; section B (nf..2nf−1) holds the same values with missing written as MISSING_HIGH;
// the last column is always 0.
//
// Why two sections: a split whose missing values go left reads its feature from section A, one
// whose missing values go right reads section B, so `value >= threshold` alone sends a missing
// value the right way (±1e300 lies beyond every float32 but inside ±Infinity, so real values,
// infinities included, compare as in XGBoost against any finite threshold). Trees with
// non-finite thresholds take the exact slow path instead. Leaves of the fast layouts point at
// the zero column with threshold 1, so a walk that has reached a leaf stays there.
// Values are float32 (Math.fround) as XGBoost sees them.

export const MISSING_LOW = -1e300;
export const MISSING_HIGH = 1e300;

export function rowWidth(numFeature: number): number {
  return 2 * numFeature + 1;
}

export function isMissing(v: number): boolean {
  return v === MISSING_LOW || v === MISSING_HIGH;
}
