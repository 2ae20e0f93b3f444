// Tree ensembles compiled into flat typed arrays (scored by forest-kernels.ts).
//
// Every tree is first re-laid out breadth first, so a node's right child directly follows its
// left child, and is checked on the way (children in range, no node reached twice, features in
// range). Then each tree gets one of three layouts:
//  - heap: a complete binary tree of its depth (children of node p at 2p+1 and 2p+2, a shallow
//    leaf copied down to the last level), for trees up to HEAP_MAX_DEPTH; the walk needs no
//    child links at all;
//  - fast: breadth-first with left-child links, for deeper trees;
//  - slow: breadth-first, for trees with categorical splits or non-finite thresholds, which need
//    more than one comparison per node.
// Fast and heap walks take exactly `depth` steps per row with no data-dependent branch: a node
// reads its feature from the matrix section that sends missing values its default way (see
// matrix.ts), and a leaf loops onto itself. Thresholds and leaves are float32 values, as XGBoost
// reads them; a dart tree's leaves are already multiplied by its weight (in float32).
import { ModelFormatError } from './format-error.js';
import type { TreeSpec } from './spec.js';

export const LAYOUT_HEAP = 0;
export const LAYOUT_FAST = 1;
export const LAYOUT_SLOW = 2;

/** Deeper trees would make the heap layout too large (2^(depth+1) nodes). */
const HEAP_MAX_DEPTH = 8;
/** ... and a tree whose heap would be more than this many times its node count uses the fast layout. */
const HEAP_MAX_GROWTH = 4;
/** XGBoost treats category codes at or above 2^24 (not exact in float32) as in no set. */
export const MAX_CATEGORY = 16777216;

export interface Forest {
  readonly numFeature: number;
  /** Runs of consecutive trees with one layout, stride 3: layout, first tree, end (exclusive). */
  readonly segments: Int32Array;
  /** Per tree: LAYOUT_*, where its nodes start in its layout's arrays, its depth, its output group. */
  readonly layout: Uint8Array;
  readonly start: Int32Array;
  readonly depth: Int32Array;
  readonly group: Int32Array;
  /** Heap layout, per node: matrix column, threshold, and (last level) leaf value. */
  readonly heapColumn: Int32Array;
  readonly heapThreshold: Float64Array;
  readonly heapLeaf: Float64Array;
  /** Breadth-first layouts, per node, stride 2: left child (the node itself for a leaf), matrix column. */
  readonly links: Int32Array;
  readonly threshold: Float64Array;
  readonly leaf: Float64Array;
  /** Slow trees, per node: −1 for a plain numeric split or leaf, else its entry in `specials`. */
  readonly special: Int32Array;
  /** Stride 2: category bitset offset in catBits (−1: a numeric split with a non-finite threshold), bitset words. */
  readonly specials: Int32Array;
  readonly catBits: Uint32Array;
}

export interface CompileOptions {
  readonly numFeature: number;
  readonly numGroups: number;
  /** dart: multiply each leaf by its tree's weight. */
  readonly weights?: ArrayLike<number>;
}

/** One tree in breadth-first order, as read from its TreeSpec. */
interface Ordered {
  /** Original node ids in breadth-first order. */
  readonly ids: number[];
  /** Per breadth-first node: left child's breadth-first index (−1 for a leaf). */
  readonly left: Int32Array;
  readonly depth: number;
  readonly slow: boolean;
}

export function compileForest(trees: readonly TreeSpec[], groups: ArrayLike<number>, opts: CompileOptions): Forest {
  const nf = opts.numFeature;
  const ordered = trees.map((tree, t) => order(tree, t, nf));
  const layout = new Uint8Array(trees.length);
  const start = new Int32Array(trees.length);
  const depth = new Int32Array(trees.length);
  const group = new Int32Array(trees.length);
  let heapSize = 0;
  let bfsSize = 0;
  let specialCount = 0;
  let catWords = 0;
  ordered.forEach((o, t) => {
    const g = groups[t] ?? -1;
    if (!Number.isInteger(g) || g < 0 || g >= opts.numGroups) {
      throw new ModelFormatError(`tree ${t} adds to output group ${g}, but the model has ${opts.numGroups}`);
    }
    group[t] = g;
    depth[t] = o.depth;
    if (o.slow) {
      layout[t] = LAYOUT_SLOW;
      const tree = trees[t]!;
      for (const id of o.ids) {
        if ((tree.left[id] ?? -1) === -1) continue;
        if (tree.splitType?.[id] === 1) {
          specialCount++;
          catWords += bitsetWords(categoriesOf(tree, id, t), id, t);
        } else if (!Number.isFinite(tree.splitCondition[id] ?? NaN)) {
          specialCount++;
        }
      }
    } else {
      // A lopsided tree would mostly be copies of shallow leaves in the heap layout.
      const heap = o.depth <= HEAP_MAX_DEPTH && 2 ** (o.depth + 1) - 1 <= HEAP_MAX_GROWTH * o.ids.length;
      layout[t] = heap ? LAYOUT_HEAP : LAYOUT_FAST;
    }
    if (layout[t] === LAYOUT_HEAP) {
      start[t] = heapSize;
      heapSize += 2 ** (o.depth + 1) - 1;
    } else {
      start[t] = bfsSize;
      bfsSize += o.ids.length;
    }
  });

  const forest: Forest = {
    numFeature: nf,
    segments: segmentsOf(layout),
    layout,
    start,
    depth,
    group,
    heapColumn: new Int32Array(heapSize),
    heapThreshold: new Float64Array(heapSize),
    heapLeaf: new Float64Array(heapSize),
    links: new Int32Array(2 * bfsSize),
    threshold: new Float64Array(bfsSize),
    leaf: new Float64Array(bfsSize),
    special: new Int32Array(bfsSize).fill(-1),
    specials: new Int32Array(2 * specialCount),
    catBits: new Uint32Array(catWords),
  };
  const cursor = { special: 0, word: 0 };
  trees.forEach((tree, t) => {
    const o = ordered[t]!;
    const weight = opts.weights === undefined ? undefined : Math.fround(opts.weights[t] ?? NaN);
    if (layout[t] === LAYOUT_HEAP) fillHeap(forest, tree, o, start[t]!, weight);
    else fillBreadthFirst(forest, tree, o, t, start[t]!, weight, cursor);
  });
  return forest;
}

function segmentsOf(layout: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let t = 0; t < layout.length; t++) {
    if (t > 0 && layout[t] === layout[t - 1]) out[out.length - 1] = t + 1;
    else out.push(layout[t]!, t, t + 1);
  }
  return Int32Array.from(out);
}

/** Breadth-first order from the root, checking children, features and cycles. */
function order(tree: TreeSpec, t: number, numFeature: number): Ordered {
  const count = tree.left.length;
  if (count === 0) throw new ModelFormatError(`tree ${t} has no nodes`);
  const seen = new Uint8Array(count);
  const ids = [0];
  const depthOf = [0];
  const left: number[] = [];
  let maxDepth = 0;
  let slow = false;
  seen[0] = 1;
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!;
    const l = tree.left[n] ?? -1;
    if (l === -1) {
      left.push(-1);
      continue;
    }
    const r = tree.right[n] ?? -1;
    left.push(ids.length);
    for (const c of [l, r]) {
      if (!Number.isInteger(c) || c < 0 || c >= count) throw new ModelFormatError(`tree ${t}, node ${n}: child ${c} is out of range`);
      if (seen[c] === 1) throw new ModelFormatError(`tree ${t}, node ${n}: node ${c} is reached twice`);
      seen[c] = 1;
      ids.push(c);
      depthOf.push(depthOf[i]! + 1);
    }
    maxDepth = Math.max(maxDepth, depthOf[i]! + 1);
    const f = tree.splitIndex[n] ?? -1;
    if (!Number.isInteger(f) || f < 0 || f >= numFeature) {
      throw new ModelFormatError(`tree ${t}, node ${n} splits on feature ${f}, but the model has ${numFeature} features`);
    }
    if (tree.splitType?.[n] === 1 || !Number.isFinite(tree.splitCondition[n] ?? NaN)) slow = true;
  }
  return { ids, left: Int32Array.from(left), depth: maxDepth, slow };
}

function leafValue(tree: TreeSpec, id: number, weight: number | undefined): number {
  const v = Math.fround(tree.splitCondition[id] ?? NaN);
  return weight === undefined ? v : Math.fround(v * weight);
}

/** The matrix column a split reads: its feature in the section that sends missing values its default way. */
function column(tree: TreeSpec, id: number, numFeature: number): number {
  return (tree.splitIndex[id] ?? 0) + (tree.defaultLeft[id] ? 0 : numFeature);
}

function fillHeap(forest: Forest, tree: TreeSpec, o: Ordered, start: number, weight: number | undefined): void {
  const nf = forest.numFeature;
  const place = (i: number, p: number, d: number): void => {
    const at = start + p;
    const id = o.ids[i]!;
    const l = o.left[i]!;
    if (d === o.depth) {
      forest.heapLeaf[at] = leafValue(tree, id, weight);
      return;
    }
    if (l === -1) {
      // A shallow leaf: every path below it leads to a copy of it.
      forest.heapColumn[at] = 2 * nf;
      forest.heapThreshold[at] = 1;
      place(i, 2 * p + 1, d + 1);
      place(i, 2 * p + 2, d + 1);
      return;
    }
    forest.heapColumn[at] = column(tree, id, nf);
    forest.heapThreshold[at] = Math.fround(tree.splitCondition[id] ?? NaN);
    place(l, 2 * p + 1, d + 1);
    place(l + 1, 2 * p + 2, d + 1);
  };
  place(0, 0, 0);
}

function fillBreadthFirst(
  forest: Forest,
  tree: TreeSpec,
  o: Ordered,
  t: number,
  start: number,
  weight: number | undefined,
  cursor: { special: number; word: number },
): void {
  const nf = forest.numFeature;
  o.ids.forEach((id, i) => {
    const at = start + i;
    const l = o.left[i]!;
    if (l === -1) {
      forest.links[2 * at] = at;
      forest.links[2 * at + 1] = 2 * nf;
      forest.threshold[at] = 1;
      forest.leaf[at] = leafValue(tree, id, weight);
      return;
    }
    forest.links[2 * at] = start + l;
    forest.links[2 * at + 1] = column(tree, id, nf);
    forest.threshold[at] = Math.fround(tree.splitCondition[id] ?? NaN);
    const categorical = tree.splitType?.[id] === 1;
    if (!categorical && Number.isFinite(forest.threshold[at])) return;
    forest.special[at] = cursor.special;
    if (categorical) {
      const list = categoriesOf(tree, id, t);
      const words = bitsetWords(list, id, t);
      for (let k = 0; k < list.length; k++) {
        const c = list[k]!;
        forest.catBits[cursor.word + (c >>> 5)] = (forest.catBits[cursor.word + (c >>> 5)] ?? 0) | (1 << (c & 31));
      }
      forest.specials[2 * cursor.special] = cursor.word;
      forest.specials[2 * cursor.special + 1] = words;
      cursor.word += words;
    } else {
      forest.specials[2 * cursor.special] = -1;
    }
    cursor.special++;
  });
}

/** The categories of categorical split `id` (those that go right), from the tree's segments. */
function categoriesOf(tree: TreeSpec, id: number, t: number): ArrayLike<number> {
  const cats = tree.categories;
  if (cats !== undefined) {
    for (let i = 0; i < cats.nodes.length; i++) {
      if (cats.nodes[i] !== id) continue;
      const from = cats.segments[i] ?? -1;
      const size = cats.sizes[i] ?? -1;
      if (from < 0 || size < 0 || from + size > cats.values.length) {
        throw new ModelFormatError(`tree ${t}, node ${id}: category segment is out of range`);
      }
      return Array.prototype.slice.call(cats.values, from, from + size) as number[];
    }
  }
  throw new ModelFormatError(`tree ${t}, node ${id}: categorical split without categories`);
}

function bitsetWords(list: ArrayLike<number>, id: number, t: number): number {
  let max = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= MAX_CATEGORY) throw new ModelFormatError(`tree ${t}, node ${id}: invalid category ${c}`);
    max = Math.max(max, c);
  }
  return (max >>> 5) + 1;
}
