// How a MiningModel combines the results of its segments: votes (kept in a tally reused across
// rows, so a forest allocates nothing per tree), averages of class probabilities, and the
// numeric combinations of regression.
import type { ModelResult, Value } from '../model.js';
import { PmmlError } from '../fields.js';
import { categoryKey } from '../values.js';
import { argMax } from './arg-max.js';

const NO_RESULT: ModelResult = Object.freeze({ value: null });

/** A segment's result with its weight for this row, and its declared weight (VariableWeight votes are
 * normalized by the declared weights, as the reference evaluator does). */
export interface Weighted {
  readonly r: ModelResult;
  readonly w: number;
  readonly declared: number;
}

/** Vote sums per category for one row; categories are indexed once, the first time they are seen. */
export class VoteTally {
  readonly #byValue = new Map<Value, number>();
  readonly #byKey = new Map<string, number>();
  readonly #values: Value[] = [];
  readonly #keys: string[] = [];
  #sums = new Float64Array(4);
  /** Order in which each category got its first vote in this row (-1: none); ties go to the earliest. */
  #first = new Int32Array(4).fill(-1);
  #seen = 0;

  reset(): void {
    this.#sums.fill(0);
    this.#first.fill(-1);
    this.#seen = 0;
  }

  add(v: Exclude<Value, null>, weight: number): void {
    let i = this.#byValue.get(v);
    if (i === undefined) {
      const key = categoryKey(v);
      i = this.#byKey.get(key);
      if (i === undefined) {
        i = this.#keys.length;
        this.#keys.push(key);
        this.#values.push(v);
        this.#byKey.set(key, i);
        if (i >= this.#sums.length) this.#grow();
      }
      this.#byValue.set(v, i);
    }
    if ((this.#first[i] as number) < 0) this.#first[i] = this.#seen++;
    this.#sums[i] = (this.#sums[i] as number) + weight;
  }

  #grow(): void {
    const sums = new Float64Array(this.#sums.length * 2);
    sums.set(this.#sums);
    const first = new Int32Array(this.#first.length * 2).fill(-1);
    first.set(this.#first);
    this.#sums = sums;
    this.#first = first;
  }

  /** The winning category, and each voted category's share of `total`. */
  result(total: number): ModelResult {
    if (this.#seen === 0 || total === 0) return NO_RESULT;
    const order: number[] = [];
    for (let i = 0; i < this.#keys.length; i++) if ((this.#first[i] as number) >= 0) order.push(i);
    order.sort((a, b) => (this.#first[a] as number) - (this.#first[b] as number));
    const probabilities = new Map<string, number>();
    let best = -1;
    for (const i of order) {
      const sum = this.#sums[i] as number;
      probabilities.set(this.#keys[i] as string, sum / total);
      if (best < 0 || sum > (this.#sums[best] as number)) best = i;
    }
    return { value: this.#values[best] ?? null, probabilities };
  }
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
}

/** The value at which the cumulated weight reaches half the total (PMML's weightedMedian). */
function weightedMedian(pairs: { v: number; w: number }[]): number {
  pairs.sort((a, b) => a.v - b.v);
  const total = pairs.reduce((n, p) => n + p.w, 0);
  let acc = 0;
  for (const p of pairs) {
    acc += p.w;
    if (acc >= total / 2) return p.v;
  }
  return pairs[pairs.length - 1]?.v ?? NaN;
}

/** Combines the segment values of a regression ensemble (xs, ws: the first n values and weights). */
export function regressionCombiner(method: string): (xs: Float64Array, ws: Float64Array, n: number) => number {
  switch (method) {
    case 'average':
      return (xs, _ws, n) => sum(xs, n) / n;
    case 'weightedAverage':
      return (xs, ws, n) => {
        let s = 0;
        let t = 0;
        for (let i = 0; i < n; i++) {
          s += (xs[i] as number) * (ws[i] as number);
          t += ws[i] as number;
        }
        return s / t;
      };
    case 'median':
      return (xs, _ws, n) => median(Array.from(xs.subarray(0, n)));
    case 'weightedMedian':
      return (xs, ws, n) => weightedMedian(Array.from(xs.subarray(0, n), (v, i) => ({ v, w: ws[i] as number })));
    case 'max':
      return (xs, _ws, n) => Math.max(...xs.subarray(0, n));
    case 'min':
      return (xs, _ws, n) => Math.min(...xs.subarray(0, n));
    case 'sum':
      return (xs, _ws, n) => sum(xs, n);
    case 'weightedSum':
      return (xs, ws, n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += (xs[i] as number) * (ws[i] as number);
        return s;
      };
    default:
      throw new PmmlError(`multipleModelMethod ${method} does not apply to regression`);
  }
}

function sum(xs: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i] as number;
  return s;
}

export function classificationCombiner(method: string): (results: readonly Weighted[]) => ModelResult {
  return (results) => {
    const values = new Map<string, Value>();
    const measure = new Map<string, number>();
    let total = 0;
    if (method === 'majorityVote' || method === 'weightedMajorityVote') {
      for (const { r, w, declared } of results) {
        if (r.value === null) continue;
        const key = categoryKey(r.value);
        if (!values.has(key)) values.set(key, r.value);
        measure.set(key, (measure.get(key) ?? 0) + (method === 'majorityVote' ? 1 : w));
        total += method === 'majorityVote' ? 1 : declared;
      }
    } else if (method === 'average' || method === 'weightedAverage') {
      for (const { r, w } of results) {
        if (r.probabilities === undefined) continue;
        const weight = method === 'average' ? 1 : w;
        for (const [key, p] of r.probabilities) measure.set(key, (measure.get(key) ?? 0) + weight * p);
        if (r.value !== null && !values.has(categoryKey(r.value))) values.set(categoryKey(r.value), r.value);
        total += weight;
      }
    } else if (method === 'median' || method === 'max' || method === 'min') {
      const per = new Map<string, number[]>();
      for (const { r } of results) {
        if (r.probabilities === undefined) continue;
        for (const [key, p] of r.probabilities) per.set(key, [...(per.get(key) ?? []), p]);
        if (r.value !== null && !values.has(categoryKey(r.value))) values.set(categoryKey(r.value), r.value);
      }
      for (const [key, ps] of per) measure.set(key, method === 'median' ? median(ps) : method === 'max' ? Math.max(...ps) : Math.min(...ps));
      total = [...measure.values()].reduce((a, b) => a + b, 0);
    } else {
      throw new PmmlError(`multipleModelMethod ${method} does not apply to classification`);
    }
    if (measure.size === 0 || total === 0) return NO_RESULT;
    const probabilities = new Map<string, number>();
    for (const [key, m] of measure) probabilities.set(key, m / total);
    const best = argMax(measure);
    const value = best === undefined ? null : (values.get(best) ?? best);
    return { value, probabilities };
  };
}

