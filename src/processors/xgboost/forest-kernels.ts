// The loop that scores a row matrix (matrix.ts) with a compiled Forest (forest.ts).
//
// Rows are taken 8 at a time, and every tree is walked for those 8 rows together: 8 independent
// walks with no data-dependent branch (each step is a load, a comparison and an add; `| 0`
// turns the comparison into 0/1 without a branch in V8) let the CPU overlap their memory loads,
// and the 8 rows stay in cache while all trees visit them. This is what makes the walk as fast as
// XGBoost's own C++ predictor. Each run of trees with the same layout (forest.segments) is walked
// by one small function per layout; the 8 lanes are written out by hand, as V8 does not unroll.
//
// Leaves are added into float32 accumulators, one rounding per addition, trees in order for each
// row, as XGBoost's CPU predictor does.
import { type Forest, LAYOUT_FAST, LAYOUT_HEAP, MAX_CATEGORY } from './forest.js';
import { MISSING_HIGH, MISSING_LOW, rowWidth } from './matrix.js';

/** Rows walked together. */
const LANES = 8;

/** Adds every tree's leaf to margins[row × numGroups + group]; `margins` arrives holding the base margins. */
export function addForest(forest: Forest, x: Float64Array, numRows: number, margins: Float32Array, numGroups: number): void {
  const w = rowWidth(forest.numFeature);
  const k = numGroups;
  const segments = forest.segments;
  const acc = new Float32Array(LANES * k);
  // Lanes past the last row walk the last row again; their sums are dropped.
  const lastRow = (numRows - 1) * w;
  for (let r = 0; r < numRows; r += LANES) {
    const live = Math.min(LANES, numRows - r);
    for (let i = 0; i < live * k; i++) acc[i] = margins[r * k + i]!;
    for (let s = 0; s < segments.length; s += 3) {
      const kind = segments[s];
      const t0 = segments[s + 1]!;
      const t1 = segments[s + 2]!;
      if (kind === LAYOUT_HEAP) {
        if (k === 1) addHeapTreesOneOutput(forest, t0, t1, x, r * w, w, lastRow, acc);
        else addHeapTrees(forest, t0, t1, x, r * w, w, lastRow, acc, k);
      } else if (kind === LAYOUT_FAST) {
        if (k === 1) addFastTreesOneOutput(forest, t0, t1, x, r * w, w, lastRow, acc);
        else addFastTrees(forest, t0, t1, x, r * w, w, lastRow, acc, k);
      } else {
        addSlowTrees(forest, t0, t1, x, r * w, w, lastRow, acc, k);
      }
    }
    for (let i = 0; i < live * k; i++) margins[r * k + i] = acc[i]!;
  }
}

/** Heap-layout trees [t0, t1) for the 8 rows from b0: the children of node n are 2n + 1 and 2n + 2 relative to the root. */
function addHeapTrees(f: Forest, t0: number, t1: number, x: Float64Array, b0: number, w: number, lastRow: number, acc: Float32Array, k: number): void {
  const { start, depth, group, heapColumn: col, heapThreshold: th, heapLeaf: leaf } = f;
  const b1 = Math.min(b0 + 1 * w, lastRow);
  const b2 = Math.min(b0 + 2 * w, lastRow);
  const b3 = Math.min(b0 + 3 * w, lastRow);
  const b4 = Math.min(b0 + 4 * w, lastRow);
  const b5 = Math.min(b0 + 5 * w, lastRow);
  const b6 = Math.min(b0 + 6 * w, lastRow);
  const b7 = Math.min(b0 + 7 * w, lastRow);
  for (let t = t0; t < t1; t++) {
    const root = start[t]!;
    const d = depth[t]!;
    const g = group[t]!;
    // 2(n − root) + 1 + root = 2n + c
    const c = 1 - root;
    let n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
    for (let s = 0; s < d; s++) {
      n0 = 2 * n0 + c + (((x[b0 + col[n0]!]! >= th[n0]!) as unknown as number) | 0);
      n1 = 2 * n1 + c + (((x[b1 + col[n1]!]! >= th[n1]!) as unknown as number) | 0);
      n2 = 2 * n2 + c + (((x[b2 + col[n2]!]! >= th[n2]!) as unknown as number) | 0);
      n3 = 2 * n3 + c + (((x[b3 + col[n3]!]! >= th[n3]!) as unknown as number) | 0);
      n4 = 2 * n4 + c + (((x[b4 + col[n4]!]! >= th[n4]!) as unknown as number) | 0);
      n5 = 2 * n5 + c + (((x[b5 + col[n5]!]! >= th[n5]!) as unknown as number) | 0);
      n6 = 2 * n6 + c + (((x[b6 + col[n6]!]! >= th[n6]!) as unknown as number) | 0);
      n7 = 2 * n7 + c + (((x[b7 + col[n7]!]! >= th[n7]!) as unknown as number) | 0);
    }
    acc[0 * k + g]! += leaf[n0]!;
    acc[1 * k + g]! += leaf[n1]!;
    acc[2 * k + g]! += leaf[n2]!;
    acc[3 * k + g]! += leaf[n3]!;
    acc[4 * k + g]! += leaf[n4]!;
    acc[5 * k + g]! += leaf[n5]!;
    acc[6 * k + g]! += leaf[n6]!;
    acc[7 * k + g]! += leaf[n7]!;
  }
}

/** Breadth-first trees [t0, t1) for the 8 rows from b0: a node's right child follows its left; a leaf links to itself. */
function addFastTrees(f: Forest, t0: number, t1: number, x: Float64Array, b0: number, w: number, lastRow: number, acc: Float32Array, k: number): void {
  const { start, depth, group, links, threshold: th, leaf } = f;
  const b1 = Math.min(b0 + 1 * w, lastRow);
  const b2 = Math.min(b0 + 2 * w, lastRow);
  const b3 = Math.min(b0 + 3 * w, lastRow);
  const b4 = Math.min(b0 + 4 * w, lastRow);
  const b5 = Math.min(b0 + 5 * w, lastRow);
  const b6 = Math.min(b0 + 6 * w, lastRow);
  const b7 = Math.min(b0 + 7 * w, lastRow);
  for (let t = t0; t < t1; t++) {
    const root = start[t]!;
    const d = depth[t]!;
    const g = group[t]!;
    let n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
    for (let s = 0; s < d; s++) {
      n0 = links[2 * n0]! + (((x[b0 + links[2 * n0 + 1]!]! >= th[n0]!) as unknown as number) | 0);
      n1 = links[2 * n1]! + (((x[b1 + links[2 * n1 + 1]!]! >= th[n1]!) as unknown as number) | 0);
      n2 = links[2 * n2]! + (((x[b2 + links[2 * n2 + 1]!]! >= th[n2]!) as unknown as number) | 0);
      n3 = links[2 * n3]! + (((x[b3 + links[2 * n3 + 1]!]! >= th[n3]!) as unknown as number) | 0);
      n4 = links[2 * n4]! + (((x[b4 + links[2 * n4 + 1]!]! >= th[n4]!) as unknown as number) | 0);
      n5 = links[2 * n5]! + (((x[b5 + links[2 * n5 + 1]!]! >= th[n5]!) as unknown as number) | 0);
      n6 = links[2 * n6]! + (((x[b6 + links[2 * n6 + 1]!]! >= th[n6]!) as unknown as number) | 0);
      n7 = links[2 * n7]! + (((x[b7 + links[2 * n7 + 1]!]! >= th[n7]!) as unknown as number) | 0);
    }
    acc[0 * k + g]! += leaf[n0]!;
    acc[1 * k + g]! += leaf[n1]!;
    acc[2 * k + g]! += leaf[n2]!;
    acc[3 * k + g]! += leaf[n3]!;
    acc[4 * k + g]! += leaf[n4]!;
    acc[5 * k + g]! += leaf[n5]!;
    acc[6 * k + g]! += leaf[n6]!;
    acc[7 * k + g]! += leaf[n7]!;
  }
}

/** addHeapTrees for a single output: the 8 sums stay in registers (float32-rounded by Math.fround) instead of acc. */
function addHeapTreesOneOutput(f: Forest, t0: number, t1: number, x: Float64Array, b0: number, w: number, lastRow: number, acc: Float32Array): void {
  const { start, depth, heapColumn: col, heapThreshold: th, heapLeaf: leaf } = f;
  const b1 = Math.min(b0 + 1 * w, lastRow);
  const b2 = Math.min(b0 + 2 * w, lastRow);
  const b3 = Math.min(b0 + 3 * w, lastRow);
  const b4 = Math.min(b0 + 4 * w, lastRow);
  const b5 = Math.min(b0 + 5 * w, lastRow);
  const b6 = Math.min(b0 + 6 * w, lastRow);
  const b7 = Math.min(b0 + 7 * w, lastRow);
  let a0 = acc[0]!, a1 = acc[1]!, a2 = acc[2]!, a3 = acc[3]!, a4 = acc[4]!, a5 = acc[5]!, a6 = acc[6]!, a7 = acc[7]!;
  for (let t = t0; t < t1; t++) {
    const root = start[t]!;
    const d = depth[t]!;
    // 2(n − root) + 1 + root = 2n + c
    const c = 1 - root;
    let n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
    for (let s = 0; s < d; s++) {
      n0 = 2 * n0 + c + (((x[b0 + col[n0]!]! >= th[n0]!) as unknown as number) | 0);
      n1 = 2 * n1 + c + (((x[b1 + col[n1]!]! >= th[n1]!) as unknown as number) | 0);
      n2 = 2 * n2 + c + (((x[b2 + col[n2]!]! >= th[n2]!) as unknown as number) | 0);
      n3 = 2 * n3 + c + (((x[b3 + col[n3]!]! >= th[n3]!) as unknown as number) | 0);
      n4 = 2 * n4 + c + (((x[b4 + col[n4]!]! >= th[n4]!) as unknown as number) | 0);
      n5 = 2 * n5 + c + (((x[b5 + col[n5]!]! >= th[n5]!) as unknown as number) | 0);
      n6 = 2 * n6 + c + (((x[b6 + col[n6]!]! >= th[n6]!) as unknown as number) | 0);
      n7 = 2 * n7 + c + (((x[b7 + col[n7]!]! >= th[n7]!) as unknown as number) | 0);
    }
    a0 = Math.fround(a0 + leaf[n0]!);
    a1 = Math.fround(a1 + leaf[n1]!);
    a2 = Math.fround(a2 + leaf[n2]!);
    a3 = Math.fround(a3 + leaf[n3]!);
    a4 = Math.fround(a4 + leaf[n4]!);
    a5 = Math.fround(a5 + leaf[n5]!);
    a6 = Math.fround(a6 + leaf[n6]!);
    a7 = Math.fround(a7 + leaf[n7]!);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  acc[4] = a4;
  acc[5] = a5;
  acc[6] = a6;
  acc[7] = a7;
}

/** addFastTrees for a single output: the 8 sums stay in registers (float32-rounded by Math.fround) instead of acc. */
function addFastTreesOneOutput(f: Forest, t0: number, t1: number, x: Float64Array, b0: number, w: number, lastRow: number, acc: Float32Array): void {
  const { start, depth, links, threshold: th, leaf } = f;
  const b1 = Math.min(b0 + 1 * w, lastRow);
  const b2 = Math.min(b0 + 2 * w, lastRow);
  const b3 = Math.min(b0 + 3 * w, lastRow);
  const b4 = Math.min(b0 + 4 * w, lastRow);
  const b5 = Math.min(b0 + 5 * w, lastRow);
  const b6 = Math.min(b0 + 6 * w, lastRow);
  const b7 = Math.min(b0 + 7 * w, lastRow);
  let a0 = acc[0]!, a1 = acc[1]!, a2 = acc[2]!, a3 = acc[3]!, a4 = acc[4]!, a5 = acc[5]!, a6 = acc[6]!, a7 = acc[7]!;
  for (let t = t0; t < t1; t++) {
    const root = start[t]!;
    const d = depth[t]!;
    let n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
    for (let s = 0; s < d; s++) {
      n0 = links[2 * n0]! + (((x[b0 + links[2 * n0 + 1]!]! >= th[n0]!) as unknown as number) | 0);
      n1 = links[2 * n1]! + (((x[b1 + links[2 * n1 + 1]!]! >= th[n1]!) as unknown as number) | 0);
      n2 = links[2 * n2]! + (((x[b2 + links[2 * n2 + 1]!]! >= th[n2]!) as unknown as number) | 0);
      n3 = links[2 * n3]! + (((x[b3 + links[2 * n3 + 1]!]! >= th[n3]!) as unknown as number) | 0);
      n4 = links[2 * n4]! + (((x[b4 + links[2 * n4 + 1]!]! >= th[n4]!) as unknown as number) | 0);
      n5 = links[2 * n5]! + (((x[b5 + links[2 * n5 + 1]!]! >= th[n5]!) as unknown as number) | 0);
      n6 = links[2 * n6]! + (((x[b6 + links[2 * n6 + 1]!]! >= th[n6]!) as unknown as number) | 0);
      n7 = links[2 * n7]! + (((x[b7 + links[2 * n7 + 1]!]! >= th[n7]!) as unknown as number) | 0);
    }
    a0 = Math.fround(a0 + leaf[n0]!);
    a1 = Math.fround(a1 + leaf[n1]!);
    a2 = Math.fround(a2 + leaf[n2]!);
    a3 = Math.fround(a3 + leaf[n3]!);
    a4 = Math.fround(a4 + leaf[n4]!);
    a5 = Math.fround(a5 + leaf[n5]!);
    a6 = Math.fround(a6 + leaf[n6]!);
    a7 = Math.fround(a7 + leaf[n7]!);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  acc[4] = a4;
  acc[5] = a5;
  acc[6] = a6;
  acc[7] = a7;
}

/** Trees [t0, t1) with categorical splits or non-finite thresholds, one row at a time. */
function addSlowTrees(f: Forest, t0: number, t1: number, x: Float64Array, b0: number, w: number, lastRow: number, acc: Float32Array, k: number): void {
  const { start, depth, group, links, threshold: th, leaf, special } = f;
  for (let t = t0; t < t1; t++) {
    const root = start[t]!;
    const d = depth[t]!;
    const g = group[t]!;
    for (let i = 0; i < LANES; i++) {
      const b = Math.min(b0 + i * w, lastRow);
      let n = root;
      for (let s = 0; s < d; s++) {
        const v = x[b + links[2 * n + 1]!]!;
        const sp = special[n]!;
        n = sp < 0 ? links[2 * n]! + (((v >= th[n]!) as unknown as number) | 0) : specialStep(f, n, sp, v);
      }
      acc[i * k + g]! += leaf[n]!;
    }
  }
}

/** The next node after a categorical split, or a numeric split with a non-finite threshold. */
function specialStep(f: Forest, n: number, s: number, v: number): number {
  const left = f.links[2 * n]!;
  // The column's section tells the default direction (matrix.ts).
  if (v === MISSING_LOW) return left;
  if (v === MISSING_HIGH) return left + 1;
  const offset = f.specials[2 * s]!;
  // Numeric, threshold ±Infinity or NaN: XGBoost goes left exactly when value < threshold.
  if (offset < 0) return v < f.threshold[n]! ? left : left + 1;
  // Categorical: the categories in the set go right; XGBoost sends negative, too large, or
  // unlisted categories left, and truncates a fractional code.
  if (!(v >= 0) || v >= MAX_CATEGORY) return left;
  const c = Math.trunc(v);
  const word = c >>> 5;
  if (word >= f.specials[2 * s + 1]!) return left;
  return (f.catBits[offset + word]! >>> (c & 31)) & 1 ? left + 1 : left;
}
