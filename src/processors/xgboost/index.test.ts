import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelLoadError, RowError } from '../tabular/model.js';
import { loadXgboostModel } from './index.js';

/** A JSON tree: nodes by id, a leaf as its value, a split as {f, t, l, r, dl?, cats?}. */
type Node = number | { f: number; t: number; l: number; r: number; dl?: boolean; cats?: number[] };

function jsonTree(nodes: Node[], id: number): Record<string, unknown> {
  const split = (n: Node): Exclude<Node, number> | undefined => (typeof n === 'number' ? undefined : n);
  const cat = nodes.map((n, i) => ({ i, cats: split(n)?.cats })).filter((c) => c.cats !== undefined);
  const segments: number[] = [];
  let at = 0;
  for (const c of cat) {
    segments.push(at);
    at += c.cats!.length;
  }
  return {
    base_weights: nodes.map(() => 0),
    categories: cat.flatMap((c) => c.cats!),
    categories_nodes: cat.map((c) => c.i),
    categories_segments: segments,
    categories_sizes: cat.map((c) => c.cats!.length),
    default_left: nodes.map((n) => (split(n)?.dl === true ? 1 : 0)),
    id,
    left_children: nodes.map((n) => split(n)?.l ?? -1),
    loss_changes: nodes.map(() => 0),
    parents: nodes.map(() => 2147483647),
    right_children: nodes.map((n) => split(n)?.r ?? -1),
    split_conditions: nodes.map((n) => (typeof n === 'number' ? n : n.t)),
    split_indices: nodes.map((n) => split(n)?.f ?? 0),
    split_type: nodes.map((n) => (split(n)?.cats !== undefined ? 1 : 0)),
    sum_hessian: nodes.map(() => 1),
    tree_param: { num_deleted: '0', num_feature: '2', num_nodes: String(nodes.length), size_leaf_vector: '1' },
  };
}

interface DocOptions {
  objective?: string;
  baseScore?: string;
  numClass?: number;
  numFeature?: number;
  trees?: Node[][];
  treeInfo?: number[];
  featureNames?: string[];
  featureTypes?: string[];
  attributes?: Record<string, string>;
  cats?: Record<string, unknown>;
  dart?: { weights: number[]; layout: '1.x' | '3.x' };
  version?: number[];
}

/** An XGBoost model document; the default is a 1.7-style binary:logistic model with one split on f0 < 0.5. */
function modelDoc(o: DocOptions = {}): Record<string, unknown> {
  const trees = o.trees ?? [[{ f: 0, t: 0.5, l: 1, r: 2, dl: true }, -1, 1]];
  const model: Record<string, unknown> = {
    gbtree_model_param: { num_parallel_tree: '1', num_trees: String(trees.length) },
    tree_info: o.treeInfo ?? trees.map(() => 0),
    trees: trees.map((t, i) => jsonTree(t, i)),
    ...(o.cats !== undefined ? { cats: o.cats } : {}),
  };
  let booster: Record<string, unknown> = { model, name: 'gbtree' };
  if (o.dart?.layout === '1.x') booster = { gbtree: booster, name: 'dart', weight_drop: o.dart.weights };
  if (o.dart?.layout === '3.x') model['weight_drop'] = o.dart.weights;
  return {
    learner: {
      attributes: o.attributes ?? {},
      feature_names: o.featureNames ?? [],
      feature_types: o.featureTypes ?? [],
      gradient_booster: booster,
      learner_model_param: {
        base_score: o.baseScore ?? '5E-1',
        boost_from_average: '1',
        num_class: String(o.numClass ?? 0),
        num_feature: String(o.numFeature ?? 2),
        num_target: '1',
      },
      objective: { name: o.objective ?? 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
    },
    version: o.version ?? [1, 7, 4],
  };
}

const json = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc));

/** UBJ as XGBoost writes it: int64 lengths, float32 numbers, typed arrays for number lists. */
function ubj(doc: unknown): Uint8Array {
  const out: number[] = [];
  const i64 = (n: number): void => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    out.push(...b);
  };
  const key = (s: string): void => {
    const b = Buffer.from(s);
    out.push(0x4c);
    i64(b.length);
    out.push(...b);
  };
  const value = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(0x53);
      key(v);
    } else if (typeof v === 'number') {
      const b = Buffer.alloc(4);
      b.writeFloatBE(v);
      out.push(Number.isInteger(v) ? 0x4c : 0x64);
      if (Number.isInteger(v)) i64(v);
      else out.push(...b);
    } else if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number')) {
      const floats = !v.every((e) => Number.isInteger(e));
      out.push(0x5b, 0x24, floats ? 0x64 : 0x6c, 0x23, 0x4c);
      i64(v.length);
      for (const e of v) {
        const b = Buffer.alloc(4);
        if (floats) b.writeFloatBE(e);
        else b.writeInt32BE(e);
        out.push(...b);
      }
    } else if (Array.isArray(v)) {
      out.push(0x5b, 0x23, 0x4c);
      i64(v.length);
      for (const e of v) value(e);
    } else {
      out.push(0x7b);
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
        key(k);
        value(e);
      }
      out.push(0x7d);
    }
  };
  value(doc);
  return Uint8Array.from(out);
}

const sigmoid = (x: number): number => Math.fround(1 / (1 + Math.exp(-x)));

function loadError(bytes: Uint8Array, pattern: RegExp, options?: { iterationEnd?: number }): void {
  assert.throws(
    () => loadXgboostModel(bytes, '/models/m.json', options),
    (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /^model file \/models\/m\.json: /);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

void describe('loadXgboostModel', () => {
  void it('loads a JSON model and predicts probability and margin', () => {
    const m = loadXgboostModel(json(modelDoc()), 'm.json');
    assert.equal(m.processor, 'xgboost');
    assert.deepEqual(m.inputs, [
      { name: 'f0', type: 'number' },
      { name: 'f1', type: 'number' },
    ]);
    assert.deepEqual(
      m.outputs.map((o) => [o.name, o.type]),
      [
        ['value', 'number'],
        ['margin', 'number'],
      ],
    );
    assert.deepEqual(m.predict([[0, 0], [1, 0], [null, 0]]), [
      { value: sigmoid(-1), margin: -1 },
      { value: sigmoid(1), margin: 1 },
      { value: sigmoid(-1), margin: -1 },
    ]);
    assert.deepEqual(m.details, {
      format: 'json',
      xgboost_version: '1.7.4',
      booster: 'gbtree',
      objective: 'binary:logistic',
      num_feature: 2,
      num_class: 0,
      num_target: 1,
      trees: 1,
      trees_used: 1,
      rounds: 1,
      iteration_end: 1,
      best_iteration: null,
      base_score: 0.5,
    });
  });

  void it('reads the same model from UBJ', () => {
    const doc = modelDoc({ objective: 'reg:squarederror', baseScore: '1.5E0', trees: [[{ f: 1, t: 0.25, l: 1, r: 2 }, -0.75, 2.5]] });
    const rows = [[0, 0], [0, 1], [0, null]];
    const fromJson = loadXgboostModel(json(doc), 'm.json');
    const fromUbj = loadXgboostModel(ubj(doc), 'm.ubj');
    assert.equal(fromUbj.details['format'], 'ubj');
    assert.deepEqual(fromUbj.predict(rows), fromJson.predict(rows));
    assert.deepEqual(fromJson.predict(rows), [
      { value: 0.75, margin: 0.75 },
      { value: 4, margin: 4 },
      { value: 4, margin: 4 },
    ]);
  });

  void it('accepts the bare NaN of XGBoost 1.7 JSON', () => {
    const text = JSON.stringify(modelDoc()).replace('"loss_changes":[0,0,0]', '"loss_changes":[NaN,0,0]');
    assert.ok(text.includes('NaN'));
    assert.deepEqual(loadXgboostModel(new TextEncoder().encode(text), 'm.json').predict([[1, 1]]), [{ value: sigmoid(1), margin: 1 }]);
  });

  void it('maps category names through the model’s cats and applies a vector base_score through the link', () => {
    const colours = ['red', 'green', 'blue'].map((s) => [...Buffer.from(s)]);
    const doc = modelDoc({
      version: [3, 1, 0],
      baseScore: '[2.5E-1]',
      featureNames: ['colour', 'size'],
      featureTypes: ['c', 'float'],
      cats: {
        enc: [
          { offsets: [0, 3, 8, 12], values: colours.flat() },
          { offsets: [], values: [] },
        ],
        feature_segments: [0, 3, 3],
        sorted_idx: [2, 1, 0],
      },
      trees: [[{ f: 0, t: 0, l: 1, r: 2, cats: [0, 2] }, -1, 1]],
    });
    const m = loadXgboostModel(ubj(doc), 'm.ubj');
    assert.deepEqual(m.inputs, [
      { name: 'colour', type: 'category', values: ['red', 'green', 'blue'] },
      { name: 'size', type: 'number' },
    ]);
    const base = Math.fround(-Math.log(1 / Math.fround(0.25) - 1));
    const margins = m.predict([['red', 1], ['green', 1], ['blue', 1], [null, 1]]).map((r) => r['margin']);
    // Missing goes the default way (right here).
    assert.deepEqual(margins, [Math.fround(base + 1), Math.fround(base - 1), Math.fround(base + 1), Math.fround(base + 1)]);
    assert.throws(() => m.predict([['red', 1], ['mauve', 1]]), (e: unknown) => e instanceof RowError && e.row === 1 && e.field === 'colour');
  });

  void it('takes categorical codes when the model lists no category names', () => {
    const m = loadXgboostModel(json(modelDoc({ featureTypes: ['c', 'q'], trees: [[{ f: 0, t: 0, l: 1, r: 2, cats: [3] }, -1, 1]] })), 'm.json');
    assert.deepEqual(m.inputs[0], { name: 'f0', type: 'category' });
    assert.deepEqual(
      m.predict([[3, 0], ['3', 0], [2, 0]]).map((r) => r['margin']),
      [1, 1, -1],
    );
  });

  void it('applies dart weights in both the 1.x and the 3.x layout', () => {
    for (const layout of ['1.x', '3.x'] as const) {
      const m = loadXgboostModel(json(modelDoc({ objective: 'reg:squarederror', baseScore: '0E0', trees: [[2], [4]], dart: { weights: [0.5, 0.25], layout } })), 'm.json');
      assert.equal(m.details['booster'], 'dart');
      assert.deepEqual(m.predict([[0, 0]]), [{ value: 2, margin: 2 }]);
    }
  });

  void it('stops at best_iteration + 1 unless iterationEnd says otherwise', () => {
    const doc = modelDoc({ objective: 'reg:squarederror', baseScore: '0E0', trees: [[1], [2], [4]], attributes: { best_iteration: '1', best_score: '0.1' } });
    const best = loadXgboostModel(json(doc), 'm.json');
    assert.equal(best.details['best_iteration'], 1);
    assert.equal(best.details['trees_used'], 2);
    assert.deepEqual(best.predict([[0, 0]]), [{ value: 3, margin: 3 }]);
    assert.deepEqual(loadXgboostModel(json(doc), 'm.json', { iterationEnd: 3 }).predict([[0, 0]]), [{ value: 7, margin: 7 }]);
    assert.deepEqual(loadXgboostModel(json(doc), 'm.json', { iterationEnd: 1 }).predict([[0, 0]]), [{ value: 1, margin: 1 }]);
    loadError(json(doc), /iterationEnd must be a whole number from 1 to 3 .*got 4/, { iterationEnd: 4 });
    loadError(json(doc), /iterationEnd must be/, { iterationEnd: 0 });
  });

  void it('reports class probabilities for multi:softprob and the class for multi:softmax', () => {
    const trees = [[0.5], [1.5], [-1]];
    for (const objective of ['multi:softprob', 'multi:softmax']) {
      const m = loadXgboostModel(json(modelDoc({ objective, numClass: 3, baseScore: '5E-1', trees, treeInfo: [0, 1, 2] })), 'm.json');
      const [row] = m.predict([[0, 0]]);
      assert.deepEqual(row?.['margin'], [1, 2, -0.5]);
      if (objective === 'multi:softmax') {
        assert.equal(row?.['value'], 1);
        assert.equal(m.outputs[0]?.type, 'number');
      } else {
        const e = [1, 2, -0.5].map((x) => Math.exp(x - 2));
        const sum = e.reduce((a, b) => a + b);
        assert.deepEqual(row?.['value'], e.map((x) => Math.fround(x / sum)));
        assert.equal(m.outputs[0]?.type, 'number[]');
      }
    }
  });

  void it('runs gblinear models', () => {
    const doc = modelDoc({ objective: 'count:poisson', baseScore: '1E0' }) as { learner: Record<string, unknown> };
    doc.learner['gradient_booster'] = { model: { weights: [0.5, -0.25, 0.125] }, name: 'gblinear' };
    const m = loadXgboostModel(json(doc), 'm.json');
    assert.equal(m.details['booster'], 'gblinear');
    // bias 0.125 + log(1) + 0.5·2 − 0.25·(missing: nothing)
    assert.deepEqual(m.predict([[2, null]]), [{ value: Math.fround(Math.exp(1.125)), margin: 1.125 }]);
  });

  void it('names the problem with files it cannot use', () => {
    loadError(new Uint8Array(0), /the file is empty/);
    loadError(new TextEncoder().encode('hello, world'), /not an XGBoost model: expected JSON, UBJ or legacy binary/);
    loadError(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251), /not an XGBoost model/);
    const whole = json(modelDoc());
    loadError(whole.subarray(0, 200), /invalid JSON/);
    const packed = ubj(modelDoc());
    loadError(packed.subarray(0, 300), /truncated UBJ at byte \d+/);
    loadError(json({ version: [1, 0, 0] }), /no "learner" object/);
    loadError(new TextEncoder().encode('bs64AAAA'), /base64/);
    loadError(json(modelDoc({ objective: 'reg:made_up' })), /unsupported objective "reg:made_up"/);
    loadError(json(modelDoc({ featureNames: ['a'] })), /feature_names has 1 entries for 2 features/);
    loadError(json(modelDoc({ trees: [[{ f: 7, t: 0, l: 1, r: 2 }, 1, 2]] })), /splits on feature 7, but the model has 2 features/);
    const vectorLeaf = modelDoc() as { learner: { gradient_booster: { model: { trees: { tree_param: Record<string, string> }[] } } } };
    vectorLeaf.learner.gradient_booster.model.trees[0]!.tree_param['size_leaf_vector'] = '3';
    loadError(json(vectorLeaf), /vector leaves .* not supported/);
  });
});
