import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelLoadError } from '../tabular/model.js';
import { loadXgboostModel } from './index.js';
import { looksLikeLegacyBinary, readLegacyBinary } from './legacy-binary.js';

/** A split [feature, threshold, defaultLeft, left, right] or a leaf value. */
type Node = number | [number, number, boolean, number, number];

interface LegacyOptions {
  magic?: boolean;
  major?: number;
  baseScore?: number;
  numFeature?: number;
  numClass?: number;
  objective?: string;
  booster?: 'gbtree' | 'dart' | 'gblinear';
  trees?: Node[][];
  treeInfo?: number[];
  weightDrop?: number[];
  linearWeights?: number[];
  attributes?: Record<string, string>;
  sizeLeafVector?: number;
}

/** Writes a model in XGBoost's legacy binary layout (see legacy-binary.ts). */
function legacy(o: LegacyOptions = {}): Uint8Array {
  const parts: Buffer[] = [];
  const i32 = (...ns: number[]): void => {
    const b = Buffer.alloc(4 * ns.length);
    ns.forEach((n, i) => b.writeInt32LE(n, 4 * i));
    parts.push(b);
  };
  const f32 = (n: number): void => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    parts.push(b);
  };
  const u64 = (n: number): void => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string): void => {
    u64(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  const zeros = (n: number): void => void parts.push(Buffer.alloc(n));
  const attributes = Object.entries(o.attributes ?? {});
  if (o.magic !== false) parts.push(Buffer.from('binf'));
  f32(o.baseScore ?? 0.5);
  i32(o.numFeature ?? 2, o.numClass ?? 0, attributes.length > 0 ? 1 : 0, 0, o.major ?? 2, 1, 1, 1);
  zeros(136 - 36);
  str(o.objective ?? 'binary:logistic');
  const booster = o.booster ?? 'gbtree';
  str(booster);
  if (booster === 'gblinear') {
    i32(o.numFeature ?? 2, 1);
    zeros(136 - 8);
    const w = o.linearWeights ?? [];
    u64(w.length);
    w.forEach(f32);
  } else {
    const trees = o.trees ?? [[[0, 0.5, true, 1, 2], -1, 1]];
    i32(trees.length, 1, o.numFeature ?? 2, 0, 0, 0, Math.max(1, o.numClass ?? 0), 0);
    zeros(160 - 32);
    for (const t of trees) {
      i32(1, t.length, 0, 0, o.numFeature ?? 2, o.sizeLeafVector ?? 0);
      zeros(148 - 24);
      t.forEach((n) => {
        if (typeof n === 'number') {
          i32(-1, -1, -1, 0);
          f32(n);
        } else {
          // sindex: the default-left flag in the top bit, the feature below it.
          i32(-1, n[3], n[4], ((n[2] ? 0x80000000 : 0) + n[0]) | 0);
          f32(n[1]);
        }
      });
      zeros(16 * t.length);
    }
    i32(...(o.treeInfo ?? trees.map(() => 0)));
    if (booster === 'dart') {
      const w = o.weightDrop ?? trees.map(() => 1);
      u64(w.length);
      w.forEach(f32);
    }
  }
  if (attributes.length > 0) {
    u64(attributes.length);
    for (const [k, v] of attributes) {
      str(k);
      str(v);
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}

const sigmoid = (x: number): number => Math.fround(1 / (1 + Math.exp(-x)));

void describe('readLegacyBinary', () => {
  void it('reads a 2.x binary model with its "binf" header', () => {
    const bytes = legacy({ baseScore: 0.25 });
    assert.ok(looksLikeLegacyBinary(bytes));
    const spec = readLegacyBinary(bytes);
    assert.equal(spec.version, '2.1');
    assert.equal(spec.objective, 'binary:logistic');
    assert.deepEqual(spec.baseScore, [0.25]);
    const m = loadXgboostModel(bytes, 'm.model');
    assert.equal(m.details['format'], 'binary');
    const base = Math.fround(-Math.log(1 / 0.25 - 1));
    assert.deepEqual(m.predict([[0, 0], [1, 0], [null, 0]]).map((r) => r['margin']), [Math.fround(base - 1), Math.fround(base + 1), Math.fround(base - 1)]);
  });

  void it('turns a pre-1.0 base_score (a margin) back into output space', () => {
    const spec = readLegacyBinary(legacy({ magic: false, major: 0, baseScore: 0 }));
    assert.equal(spec.version, '0.x');
    assert.deepEqual(spec.baseScore, [0.5]);
    const m = loadXgboostModel(legacy({ magic: false, major: 0, baseScore: 0 }), 'm.model');
    assert.deepEqual(m.predict([[1, 1]]), [{ value: sigmoid(1), margin: 1 }]);
    // multi:* keeps it as saved.
    const multi = readLegacyBinary(legacy({ major: 0, objective: 'multi:softmax', numClass: 2, baseScore: 0.5, trees: [[1], [2]], treeInfo: [0, 1] }));
    assert.deepEqual(multi.baseScore, [0.5]);
  });

  void it('reads dart weights, gblinear weights and attributes', () => {
    const dart = loadXgboostModel(legacy({ objective: 'reg:squarederror', baseScore: 0, booster: 'dart', trees: [[2], [4]], weightDrop: [0.5, 0.25] }), 'm.model');
    assert.equal(dart.details['booster'], 'dart');
    assert.deepEqual(dart.predict([[0, 0]]), [{ value: 2, margin: 2 }]);
    const linear = loadXgboostModel(legacy({ objective: 'reg:squarederror', baseScore: 0, booster: 'gblinear', linearWeights: [1, 2, 0.5] }), 'm.model');
    assert.deepEqual(linear.predict([[1, 1]]), [{ value: 3.5, margin: 3.5 }]);
    const best = loadXgboostModel(legacy({ objective: 'reg:squarederror', baseScore: 0, trees: [[1], [2], [4]], attributes: { best_iteration: '0', best_ntree_limit: '1' } }), 'm.model');
    assert.equal(best.details['best_iteration'], 0);
    assert.deepEqual(best.predict([[0, 0]]), [{ value: 1, margin: 1 }]);
  });

  void it('reports truncation and unsupported content as ModelLoadError', () => {
    const whole = legacy({ attributes: { best_iteration: '0' } });
    for (const cut of [150, 200, 400, whole.length - 3]) {
      assert.throws(
        () => loadXgboostModel(whole.subarray(0, cut), 'm.model'),
        (e: unknown) => e instanceof ModelLoadError && /model file m\.model: truncated legacy binary model at byte \d+/.test(e.message),
      );
    }
    assert.throws(() => loadXgboostModel(legacy({ sizeLeafVector: 3 }), 'm.model'), /vector leaves/);
    assert.throws(() => loadXgboostModel(legacy({ booster: 'gbtree', trees: [[[5, 0, true, 1, 2], 1, 2]] }), 'm.model'), /splits on feature 5/);
  });
});
