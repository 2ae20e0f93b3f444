// All trees flattened into one set of typed arrays, and the walk over them. Node and leaf
// indexes are global across trees; a child < 0 is leaf ~child. The walk repeats LightGBM's
// Tree::NumericalDecision / CategoricalDecision / Predict (tree.h) on double feature values.
import { ZERO_THRESHOLD } from './numbers.js';
import { CATEGORICAL_MASK, DEFAULT_LEFT_MASK, MISSING_NAN, MISSING_ZERO, type TreeSpec } from './tree-block.js';

export interface Forest {
  readonly trees: number;
  /** Per tree: the root node, or ~leaf for a single-leaf tree. */
  readonly root: Int32Array;
  /** Per tree + 1: the tree's first global leaf index (leaf index within a tree = global − this). */
  readonly leafStart: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** decision_type bits; the categorical bit is cleared in trees with num_cat=0, as LightGBM ignores it there. */
  readonly flags: Uint8Array;
  /** Categorical nodes: the bitset's first word in catBits and its length in words. */
  readonly catStart: Int32Array;
  readonly catWords: Int32Array;
  readonly catBits: Uint32Array;
  readonly leafValue: Float64Array;
  /** Per tree: 1 when its leaves hold linear models. */
  readonly linear: Uint8Array;
  /** Linear leaves (global leaf index): terms coefFeature/coefValue[coefStart[l] .. coefStart[l + 1]). */
  readonly leafConst: Float64Array;
  readonly coefStart: Int32Array;
  readonly coefFeature: Int32Array;
  readonly coefValue: Float64Array;
}

export function buildForest(specs: readonly TreeSpec[]): Forest {
  const nodes = specs.reduce((s, t) => s + t.numLeaves - 1, 0);
  const leaves = specs.reduce((s, t) => s + t.numLeaves, 0);
  const words = specs.reduce((s, t) => s + t.catThreshold.length, 0);
  const terms = specs.reduce((s, t) => s + (t.linear?.features.length ?? 0), 0);
  const f: Forest = {
    trees: specs.length,
    root: new Int32Array(specs.length),
    leafStart: new Int32Array(specs.length + 1),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    flags: new Uint8Array(nodes),
    catStart: new Int32Array(nodes),
    catWords: new Int32Array(nodes),
    catBits: new Uint32Array(words),
    leafValue: new Float64Array(leaves),
    linear: new Uint8Array(specs.length),
    leafConst: new Float64Array(leaves),
    coefStart: new Int32Array(leaves + 1),
    coefFeature: new Int32Array(terms),
    coefValue: new Float64Array(terms),
  };
  let node0 = 0;
  let leaf0 = 0;
  let word0 = 0;
  let term0 = 0;
  specs.forEach((t, ti) => {
    const n = t.numLeaves - 1;
    const relink = (child: number): number => (child < 0 ? ~(leaf0 + ~child) : node0 + child);
    f.root[ti] = n > 0 ? node0 : ~leaf0;
    f.leafStart[ti] = leaf0;
    for (let i = 0; i < n; i++) {
      const g = node0 + i;
      f.feature[g] = t.splitFeature[i]!;
      f.threshold[g] = t.threshold[i]!;
      f.left[g] = relink(t.leftChild[i]!);
      f.right[g] = relink(t.rightChild[i]!);
      const categorical = t.numCat > 0 && (t.decisionType[i]! & CATEGORICAL_MASK) !== 0;
      f.flags[g] = categorical ? t.decisionType[i]! : t.decisionType[i]! & ~CATEGORICAL_MASK;
      if (categorical) {
        const cat = t.threshold[i]!;
        f.catStart[g] = word0 + t.catBoundaries[cat]!;
        f.catWords[g] = t.catBoundaries[cat + 1]! - t.catBoundaries[cat]!;
      }
    }
    f.catBits.set(t.catThreshold, word0);
    f.leafValue.set(t.leafValue, leaf0);
    if (t.linear !== undefined) {
      f.linear[ti] = 1;
      f.leafConst.set(t.linear.leafConst, leaf0);
      f.coefFeature.set(t.linear.features, term0);
      f.coefValue.set(t.linear.coeffs, term0);
    }
    for (let l = 0; l < t.numLeaves; l++) {
      const count = t.linear === undefined ? 0 : t.linear.featureStart[l + 1]! - t.linear.featureStart[l]!;
      f.coefStart[leaf0 + l + 1] = f.coefStart[leaf0 + l]! + count;
    }
    node0 += n;
    leaf0 += t.numLeaves;
    word0 += t.catThreshold.length;
    term0 += t.linear?.features.length ?? 0;
  });
  f.leafStart[specs.length] = leaf0;
  return f;
}

/**
 * Walks tree t for each row of x and writes the global leaf index of row r to leaves[r]. The
 * arrays are read into locals once per tree so the inner loop is only typed-array loads.
 */
function walkTree(f: Forest, t: number, x: Float64Array, rows: number, width: number, leaves: Int32Array): void {
  const { feature, threshold, left, right, flags, catStart, catWords, catBits } = f;
  const root = f.root[t]!;
  for (let r = 0, base = 0; r < rows; r++, base += width) {
    let node = root;
    while (node >= 0) {
      let v = x[base + feature[node]!]!;
      const bits = flags[node]!;
      if ((bits & CATEGORICAL_MASK) !== 0) {
        // NaN, negative codes and codes beyond int range (x86's static_cast<int> gives INT_MIN) go right.
        let goLeft = false;
        if (v > -1 && v < 2147483648) {
          const code = v | 0;
          const word = code >>> 5;
          goLeft = word < catWords[node]! && ((catBits[catStart[node]! + word]! >>> (code & 31)) & 1) === 1;
        }
        node = goLeft ? left[node]! : right[node]!;
        continue;
      }
      const missing = bits >> 2;
      if (v !== v) {
        if (missing === MISSING_NAN) {
          node = (bits & DEFAULT_LEFT_MASK) !== 0 ? left[node]! : right[node]!;
          continue;
        }
        v = 0;
      }
      if (missing === MISSING_ZERO && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) {
        node = (bits & DEFAULT_LEFT_MASK) !== 0 ? left[node]! : right[node]!;
        continue;
      }
      node = v <= threshold[node]! ? left[node]! : right[node]!;
    }
    leaves[r] = ~node;
  }
}

/** A linear leaf's output; any NaN among its features falls back to the plain leaf value. */
function linearLeaf(f: Forest, leaf: number, x: Float64Array, base: number): number {
  let out = f.leafConst[leaf]!;
  for (let j = f.coefStart[leaf]!, end = f.coefStart[leaf + 1]!; j < end; j++) {
    const v = x[base + f.coefFeature[j]!]!;
    if (v !== v) return f.leafValue[leaf]!;
    out += f.coefValue[j]! * v;
  }
  return out;
}

/**
 * Raw scores of the first `iterations` iterations for rows of `x` (row-major, `width` values
 * a row, NaN = missing): k scores a row, each the sum of its class's trees in iteration order.
 * Trees are the outer loop: walking one tree for every row in turn lets the branch predictor
 * learn that tree (about 1.4 times faster than all trees for one row, then the next). Each sum
 * still adds the trees in LightGBM's order, so the result is the same to the bit.
 */
export function rawScores(f: Forest, x: Float64Array, rows: number, width: number, iterations: number, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  const leaves = new Int32Array(rows);
  for (let t = 0; t < iterations * k; t++) {
    walkTree(f, t, x, rows, width, leaves);
    const linear = f.linear[t] === 1;
    for (let r = 0, o = t % k; r < rows; r++, o += k) {
      const leaf = leaves[r]!;
      out[o] = out[o]! + (linear ? linearLeaf(f, leaf, x, r * width) : f.leafValue[leaf]!);
    }
  }
  return out;
}

/** The leaf each of the first `trees` trees puts each row in (index within the tree), as predict(pred_leaf=True). */
export function leafIndices(f: Forest, x: Float64Array, rows: number, width: number, trees: number): Int32Array {
  const out = new Int32Array(rows * trees);
  const leaves = new Int32Array(rows);
  for (let t = 0; t < trees; t++) {
    walkTree(f, t, x, rows, width, leaves);
    for (let r = 0; r < rows; r++) out[r * trees + t] = leaves[r]! - f.leafStart[t]!;
  }
  return out;
}
