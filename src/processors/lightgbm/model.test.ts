import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelLoadError, RowError } from '../tabular/model.js';
import { exp } from './exp.js';
import { loadLightgbmModel } from './index.js';

/** A stump on feature `feature` at `threshold`: leaf values [left, right]. */
function stump(index: number, feature: number, threshold: number, left: number | string, right: number | string): string {
  return [
    `Tree=${index}`, 'num_leaves=2', 'num_cat=0', `split_feature=${feature}`, 'split_gain=1', `threshold=${threshold}`,
    'decision_type=2', 'left_child=-1', 'right_child=-2', `leaf_value=${left} ${right}`, 'shrinkage=1', '', '',
  ].join('\n');
}

/** A categorical split on feature 1: category codes 0 and 2 (bitset 0b101) go left. */
function categorical(index: number, left: number, right: number): string {
  return [
    `Tree=${index}`, 'num_leaves=2', 'num_cat=1', 'split_feature=1', 'threshold=0', 'decision_type=1',
    'left_child=-1', 'right_child=-2', `leaf_value=${left} ${right}`, 'cat_boundaries=0 1', 'cat_threshold=5', '', '',
  ].join('\n');
}

function text(header: Record<string, string>, trees: readonly string[], tail = ''): Buffer {
  const lines = Object.entries({ version: 'v4', num_class: '1', num_tree_per_iteration: '1', label_index: '0', max_feature_idx: '1', feature_names: 'x colour', ...header })
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return Buffer.from(`tree\n${lines.join('\n')}\n\n${trees.join('')}end of trees\n\n${tail}`);
}

const PANDAS = 'parameters:\n[categorical_feature: 1]\nend of parameters\n\npandas_categorical:[["red", "green", "blue"]]\n';
const sigmoid = (x: number, s = 1) => 1 / (1 + exp(-s * x));

void describe('loadLightgbmModel', () => {
  void it('describes a binary model with pandas categories and scores rows like Booster.predict()', () => {
    const model = loadLightgbmModel(text({ objective: 'binary sigmoid:2' }, [stump(0, 0, 0.5, -1, 1), categorical(1, 0.25, -0.25)], PANDAS), 'risk.txt');
    assert.equal(model.processor, 'lightgbm');
    assert.deepEqual(model.inputs, [
      { name: 'x', type: 'number' },
      { name: 'colour', type: 'category', values: ['red', 'green', 'blue'] },
    ]);
    assert.deepEqual(model.outputs.map((o) => [o.name, o.type]), [['value', 'number'], ['margin', 'number']]);
    assert.deepEqual(model.details, {
      format: 'LightGBM text', version: 'v4', objective: 'binary sigmoid:2', num_class: 1, trees: 2, iterations: 2,
      num_iteration: 2, average_output: false, link: 'sigmoid', linear: false, categorical_inputs: 1,
    });
    // red and blue (codes 0, 2) go left; green and unseen colours right.
    assert.deepEqual(model.predict([[0, 'red'], [1, 'green'], ['0.7', 'blue'], [null, 'purple']]), [
      { value: sigmoid(-0.75, 2), margin: -0.75 },
      { value: sigmoid(0.75, 2), margin: 0.75 },
      { value: sigmoid(1.25, 2), margin: 1.25 },
      { value: sigmoid(-1.25, 2), margin: -1.25 },
    ]);
  });

  void it('returns a probability per class for multiclass models and honours num_iteration', () => {
    const trees = [stump(0, 0, 0, 1, 0), stump(1, 0, 0, 0, 1), stump(2, 0, 0, 2, 2), stump(3, 0, 0, 1, 0)];
    const bytes = text({ num_class: '2', num_tree_per_iteration: '2', objective: 'multiclass num_class:2' }, trees);
    const all = loadLightgbmModel(bytes, 'm.txt');
    assert.deepEqual(all.outputs.map((o) => o.type), ['number[]', 'number[]']);
    const [row] = all.predict([[-1, 0]]);
    assert.deepEqual(row?.['margin'], [3, 1]);
    const e = exp(1 - 3);
    assert.deepEqual(row?.['value'], [1 / (1 + e), e / (1 + e)]);
    const first = loadLightgbmModel(bytes, 'm.txt', { numIteration: 1 });
    assert.equal(first.details['num_iteration'], 1);
    assert.deepEqual(first.predict([[-1, 0]])[0]?.['margin'], [1, 0]);
    assert.deepEqual(first.leafIndices([[-1, 0], [1, 0]]), [[0, 0], [1, 1]]);
  });

  void it('averages random forests, then applies the link; v2 forests skip the link', () => {
    const trees = [stump(0, 0, 0, 0.2, 0.6), stump(1, 0, 0, 0.4, 0.8)];
    const v4 = loadLightgbmModel(text({ objective: 'binary sigmoid:1', average_output: '' }, trees), 'rf.txt');
    assert.deepEqual(v4.predict([[-1, 0]]), [{ value: sigmoid(0.30000000000000004), margin: 0.30000000000000004 }]);
    const v2 = loadLightgbmModel(text({ version: 'v2', objective: 'binary sigmoid:1', average_output: '' }, trees), 'rf.txt');
    assert.deepEqual(v2.predict([[1, 0]]), [{ value: 0.7, margin: 0.7 }]);
    assert.equal(v2.details['average_output'], true);
    assert.equal(v2.details['link'], 'identity');
    // A leaf outside [0, 1] is a raw score: written by LightGBM 2.2.3 or later, which applies the link.
    const raw = [stump(0, 0, 0, -0.5, 0.6), stump(1, 0, 0, 0.4, 0.8)];
    const v2raw = loadLightgbmModel(text({ version: 'v2', objective: 'binary sigmoid:1', average_output: '' }, raw), 'rf.txt');
    assert.deepEqual(v2raw.predict([[1, 0]]), [{ value: sigmoid(0.7), margin: 0.7 }]);
    assert.equal(v2raw.details['link'], 'sigmoid');
  });

  void it('applies the log link of count objectives and leaves custom objectives raw', () => {
    const poisson = loadLightgbmModel(text({ objective: 'poisson' }, [stump(0, 0, 0, 0.5, 1)]), 'p.txt');
    assert.deepEqual(poisson.predict([[1, 0]]), [{ value: exp(1), margin: 1 }]);
    const raw = loadLightgbmModel(text({}, [stump(0, 0, 0, 0.5, 1)]), 'r.txt');
    assert.deepEqual(raw.predict([[1, 0]]), [{ value: 1, margin: 1 }]);
    assert.equal(raw.details['objective'], 'custom');
  });

  void it('scores an empty batch', () => {
    const model = loadLightgbmModel(text({ objective: 'regression' }, [stump(0, 0, 0, 0, 1)]), 'r.txt');
    assert.deepEqual(model.predict([]), []);
    assert.deepEqual(model.leafIndices([]), []);
  });

  void it('gives null, not NaN, where the model yields no number', () => {
    const model = loadLightgbmModel(text({ objective: 'regression' }, [stump(0, 0, 0, 'nan', 1)]), 'n.txt');
    assert.deepEqual(model.predict([[-1, 0]]), [{ value: null, margin: null }]);
  });

  void it('checks every row before scoring any', () => {
    const model = loadLightgbmModel(text({ objective: 'regression' }, [stump(0, 0, 0, 0, 1)]), 'r.txt');
    assert.throws(() => model.predict([[1, 2], [1, 2], ['abc', 2]]), (err: unknown) => err instanceof RowError && err.row === 2 && err.message === 'row 2, field "x": expected a number, got "abc"');
    assert.throws(() => model.predict([[1, 'two']]), /row 0, field "colour": expected a number, got "two"/);
  });

  void it('names the file and the problem when a model cannot be loaded', () => {
    const fails = (bytes: Uint8Array, message: string, options = {}) =>
      assert.throws(() => loadLightgbmModel(bytes, 'bad.txt', options), (err: unknown) => err instanceof ModelLoadError && err.message === `model file bad.txt: ${message}`);
    fails(Buffer.from('garbage\n'), "not a LightGBM text model: no 'tree' header");
    const good = text({ objective: 'binary sigmoid:1' }, [stump(0, 0, 0, 0, 1), stump(1, 0, 0, 0, 1)]);
    fails(good.subarray(0, good.lastIndexOf('leaf_value')), 'truncated: Tree=1 has no leaf_value');
    fails(text({ objective: 'binary' }, [stump(0, 0, 0, 0, 1)]), "objective 'binary' needs a sigmoid:<value> greater than zero");
    fails(text({}, [stump(0, 0, 0, 0, 1)], 'pandas_categorical:[["a"]]\n'), 'pandas_categorical lists 1 category columns but the model has 0 categorical features (none); cannot tell which inputs they belong to');
    fails(text({ num_class: '2', objective: 'multiclass num_class:2' }, [stump(0, 0, 0, 0, 1), stump(1, 0, 0, 0, 1)]), "objective 'multiclass' needs one tree per class, but num_tree_per_iteration=1 and num_class=2");
    fails(good, 'num_iteration must be an integer from 1 to 2 (the model\'s iterations), got 3', { numIteration: 3 });
    fails(good, 'num_iteration must be an integer from 1 to 2 (the model\'s iterations), got 0', { numIteration: 0 });
    fails(good, 'num_iteration must be an integer from 1 to 2 (the model\'s iterations), got 1.5', { numIteration: 1.5 });
  });
});
