// gblinear: margin = bias + base margin + Σ feature × weight over the present features, summed
// in float32 in feature order like XGBoost (a missing feature contributes nothing).
import { ModelFormatError } from './format-error.js';
import { MISSING_LOW, rowWidth } from './matrix.js';

export interface Linear {
  /** (numFeature + 1) × numGroups, feature-major; the last row is the bias. */
  readonly weights: Float32Array;
}

export function compileLinear(weights: ArrayLike<number>, numFeature: number, numGroups: number): Linear {
  if (weights.length !== (numFeature + 1) * numGroups) {
    throw new ModelFormatError(`gblinear has ${weights.length} weights; ${numFeature} features and ${numGroups} outputs need ${(numFeature + 1) * numGroups}`);
  }
  return { weights: Float32Array.from(weights) };
}

/** Writes each row's margins; `margins` arrives holding the base margins. */
export function addLinear(linear: Linear, x: Float64Array, numRows: number, numFeature: number, margins: Float32Array, numGroups: number): void {
  const w = linear.weights;
  const bias = numFeature * numGroups;
  const width = rowWidth(numFeature);
  for (let r = 0; r < numRows; r++) {
    // Section A of the row (matrix.ts): missing values are MISSING_LOW.
    const row = r * width;
    for (let g = 0; g < numGroups; g++) {
      const out = r * numGroups + g;
      let sum = Math.fround(w[bias + g]! + margins[out]!);
      for (let f = 0; f < numFeature; f++) {
        const v = x[row + f]!;
        if (v !== MISSING_LOW) sum = Math.fround(sum + Math.fround(v * w[f * numGroups + g]!));
      }
      margins[out] = sum;
    }
  }
}
