import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawValue } from '../tabular/model.js';
import { addForest } from './forest-kernels.js';
import { LAYOUT_FAST, LAYOUT_HEAP, LAYOUT_SLOW, compileForest } from './forest.js';
import { buildFeatures, toMatrix } from './inputs.js';
import type { ModelSpec, TreeSpec } from './spec.js';

/** A tree from nodes listed by id: [feature, threshold, defaultLeft, left, right] or a leaf value. */
type NodeDef = number | { f: number; t: number; dl?: boolean; l: number; r: number; cats?: number[] };

function tree(defs: NodeDef[]): TreeSpec {
  const left: number[] = [];
  const right: number[] = [];
  const splitIndex: number[] = [];
  const splitCondition: number[] = [];
  const defaultLeft: number[] = [];
  const splitType: number[] = [];
  const nodes: number[] = [];
  const segments: number[] = [];
  const sizes: number[] = [];
  const values: number[] = [];
  defs.forEach((d, id) => {
    if (typeof d === 'number') {
      left.push(-1);
      right.push(-1);
      splitIndex.push(0);
      splitCondition.push(d);
      defaultLeft.push(0);
      splitType.push(0);
      return;
    }
    left.push(d.l);
    right.push(d.r);
    splitIndex.push(d.f);
    splitCondition.push(d.t);
    defaultLeft.push(d.dl === true ? 1 : 0);
    splitType.push(d.cats === undefined ? 0 : 1);
    if (d.cats !== undefined) {
      nodes.push(id);
      segments.push(values.length);
      sizes.push(d.cats.length);
      values.push(...d.cats);
    }
  });
  return { left, right, splitIndex, splitCondition, defaultLeft, splitType, categories: { nodes, segments, sizes, values } };
}

/** XGBoost's rules, one node at a time, straight from the TreeSpec. */
function referenceLeaf(t: TreeSpec, row: readonly (number | null)[]): number {
  let n = 0;
  while ((t.left[n] ?? -1) !== -1) {
    const v = row[t.splitIndex[n] ?? 0] ?? null;
    const l = t.left[n]!;
    const r = t.right[n]!;
    if (v === null) {
      n = t.defaultLeft[n] ? l : r;
    } else if (t.splitType?.[n] === 1) {
      const cats = t.categories!;
      const i = Array.from(cats.nodes).indexOf(n);
      const set = Array.from(cats.values).slice(cats.segments[i], (cats.segments[i] ?? 0) + (cats.sizes[i] ?? 0));
      n = v >= 0 && v < 2 ** 24 && set.includes(Math.trunc(v)) ? r : l;
    } else {
      n = Math.fround(v) < Math.fround(t.splitCondition[n] ?? NaN) ? l : r;
    }
  }
  return Math.fround(t.splitCondition[n] ?? NaN);
}

function specFor(numFeature: number, categorical: readonly number[] = []): ModelSpec {
  return {
    format: 'json',
    version: 'test',
    objective: 'reg:squarederror',
    booster: 'gbtree',
    baseScore: [0],
    numFeature,
    numClass: 0,
    numTarget: 1,
    featureNames: [],
    featureTypes: Array.from({ length: numFeature }, (_, f) => (categorical.includes(f) ? 'c' : 'float')),
    categories: [],
    attributes: {},
    trees: [],
    treeInfo: [],
    numParallelTree: 1,
  };
}

/** Scores rows with the compiled forest: margins per row and group, starting from 0. */
function score(trees: TreeSpec[], rows: RawValue[][], opts: { numFeature: number; categorical?: number[]; groups?: number[]; numGroups?: number; weights?: number[] }) {
  const k = opts.numGroups ?? 1;
  const forest = compileForest(trees, opts.groups ?? trees.map(() => 0), { numFeature: opts.numFeature, numGroups: k, ...(opts.weights ? { weights: opts.weights } : {}) });
  const x = toMatrix(rows, buildFeatures(specFor(opts.numFeature, opts.categorical)));
  const margins = new Float32Array(rows.length * k);
  addForest(forest, x, rows.length, margins, k);
  return { forest, margins: Array.from(margins) };
}

/** A deterministic pseudo-random generator (xorshift), so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A random tree up to `maxDepth`, with node ids shuffled so the compiler must re-lay it out. */
function randomTree(rnd: () => number, numFeature: number, maxDepth: number, categorical: readonly number[]): TreeSpec {
  const defs: NodeDef[] = [];
  const build = (depth: number): number => {
    const id = defs.length;
    defs.push(0);
    if (depth === maxDepth || (depth > 1 && rnd() < 0.25)) {
      defs[id] = Math.round(rnd() * 200 - 100) / 100;
      return id;
    }
    const f = Math.floor(rnd() * numFeature);
    const l = build(depth + 1);
    const r = build(depth + 1);
    const cats = categorical.includes(f) ? [0, 1, 2, 3, 5, 33, 40].filter(() => rnd() < 0.5) : undefined;
    defs[id] = { f, t: Math.round(rnd() * 40 - 20) / 10, dl: rnd() < 0.5, l, r, ...(cats ? { cats } : {}) };
    return id;
  };
  build(0);
  // Shuffle ids (keeping the root at 0): XGBoost's ids need not be breadth first.
  const perm = [0, ...defs.slice(1).map((_, i) => i + 1).sort(() => rnd() - 0.5)];
  const shuffled: NodeDef[] = new Array<NodeDef>(defs.length);
  defs.forEach((d, id) => {
    shuffled[perm[id]!] = typeof d === 'number' ? d : { ...d, l: perm[d.l]!, r: perm[d.r]! };
  });
  return tree(shuffled);
}

function randomRows(rnd: () => number, n: number, numFeature: number, categorical: readonly number[]): (number | null)[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: numFeature }, (_, f) => {
      if (rnd() < 0.15) return null;
      if (categorical.includes(f)) return [0, 1, 2, 3, 4, 5, 33, 40, 41, 100][Math.floor(rnd() * 10)]!;
      // Thresholds lie on a 0.1 grid: hit them exactly, and just beside them in float32.
      const grid = Math.round(rnd() * 40 - 20) / 10;
      return rnd() < 0.3 ? grid : grid + (rnd() - 0.5) * 1e-7;
    }),
  );
}

void describe('compileForest and addForest', () => {
  void it('compare float32 values with float32 thresholds, as XGBoost does', () => {
    const t = tree([{ f: 0, t: 0.1, l: 1, r: 2 }, -1, 1]);
    // 0.1 as a double is below float32(0.1); XGBoost casts the input to float32 first, so it goes right.
    assert.deepEqual(score([t], [[0.1], [0.09999999], [0.1000000015]], { numFeature: 1 }).margins, [1, -1, 1]);
    // Leaves are float32 too, and the sum is rounded to float32 after every tree.
    const { margins } = score([tree([0.1]), tree([0.2])], [[0]], { numFeature: 1 });
    assert.equal(margins[0], Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });

  void it('send missing values to the default child on every layout', () => {
    const shallow = (dl: boolean): TreeSpec => tree([{ f: 0, t: 0, dl, l: 1, r: 2 }, -1, 1]);
    // A chain of 12 splits, too deep for the heap layout: splits 0..11, leaves 12..24.
    const deep = (dl: boolean): TreeSpec => {
      const defs: NodeDef[] = [{ f: 1, t: 0, dl, l: 1, r: 12 }];
      for (let i = 1; i <= 10; i++) defs.push({ f: 0, t: -100 - i, dl: true, l: i + 1, r: 12 + i });
      defs.push({ f: 0, t: -200, l: 23, r: 24 });
      defs.push(5);
      for (let i = 13; i <= 24; i++) defs.push(7);
      return tree(defs);
    };
    const categorical = (dl: boolean): TreeSpec => tree([{ f: 0, t: 0, dl, l: 1, r: 2, cats: [1] }, -1, 1]);
    for (const dl of [true, false]) {
      const want = dl ? -1 : 1;
      assert.deepEqual(score([shallow(dl)], [[null]], { numFeature: 1 }).margins, [want]);
      assert.deepEqual(score([categorical(dl)], [[null]], { numFeature: 1, categorical: [0] }).margins, [want]);
      const d = score([deep(dl)], [[0, null]], { numFeature: 2 });
      assert.equal(d.forest.layout[0], LAYOUT_FAST);
      assert.deepEqual(d.margins, [dl ? 7 : 5]);
    }
  });

  void it('send the categories in a split’s set right, and anything else left', () => {
    const t = tree([{ f: 0, t: 0, dl: true, l: 1, r: 2, cats: [1, 3, 40] }, -1, 1]);
    const { forest, margins } = score([t], [[0], [1], [2], [3], [40], [41], [64], [1000], [null]], { numFeature: 1, categorical: [0] });
    assert.equal(forest.layout[0], LAYOUT_SLOW);
    assert.deepEqual(margins, [-1, 1, -1, 1, 1, -1, -1, -1, -1]);
  });

  void it('handle non-finite thresholds exactly', () => {
    const inf = tree([{ f: 0, t: Infinity, dl: false, l: 1, r: 2 }, -1, 1]);
    const nan = tree([{ f: 0, t: NaN, dl: true, l: 1, r: 2 }, -1, 1]);
    assert.deepEqual(score([inf], [[1e30], [1e39], [null]], { numFeature: 1 }).margins, [-1, 1, 1]);
    assert.deepEqual(score([nan], [[1], [-1], [null]], { numFeature: 1 }).margins, [1, 1, -1]);
  });

  void it('add each tree to its output group and multiply dart weights in float32', () => {
    const { margins } = score([tree([1]), tree([2]), tree([0.3])], [[0], [0]], { numFeature: 1, groups: [0, 1, 1], numGroups: 2, weights: [1, 0.5, 0.1] });
    const w = Math.fround(Math.fround(0.3) * Math.fround(0.1));
    assert.deepEqual(margins, [1, Math.fround(1 + w), 1, Math.fround(1 + w)]);
  });

  void it('agree with a node-by-node walk on random trees, on all three layouts', () => {
    const rnd = random(12345);
    const numFeature = 6;
    const categorical = [4, 5];
    const trees: TreeSpec[] = [];
    for (let i = 0; i < 30; i++) trees.push(randomTree(rnd, numFeature, [3, 6, 8, 11][i % 4]!, i % 3 === 0 ? categorical : []));
    const rows = randomRows(rnd, 203, numFeature, categorical);
    const { forest, margins } = score(trees, rows, { numFeature, categorical });
    for (const layout of [LAYOUT_HEAP, LAYOUT_FAST, LAYOUT_SLOW]) assert.ok(forest.layout.includes(layout), `layout ${layout} is used`);
    rows.forEach((row, r) => {
      let want = 0;
      for (const t of trees) want = Math.fround(want + referenceLeaf(t, row));
      assert.equal(margins[r], want, `row ${r}`);
    });
  });

  void it('reject trees that are not trees', () => {
    const opts = { numFeature: 1, numGroups: 1 };
    assert.throws(() => compileForest([tree([{ f: 0, t: 0, l: 1, r: 5 }, 1])], [0], opts), /child 5 is out of range/);
    assert.throws(() => compileForest([tree([{ f: 0, t: 0, l: 1, r: 1 }, 1])], [0], opts), /node 1 is reached twice/);
    assert.throws(() => compileForest([tree([{ f: 3, t: 0, l: 1, r: 2 }, 1, 2])], [0], opts), /splits on feature 3, but the model has 1 features/);
    assert.throws(() => compileForest([tree([1])], [2], opts), /output group 2, but the model has 1/);
    const noCats = { ...tree([{ f: 0, t: 0, l: 1, r: 2, cats: [1] }, -1, 1]), categories: undefined };
    assert.throws(() => compileForest([noCats], [0], opts), /categorical split without categories/);
  });
});
