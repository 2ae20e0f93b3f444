import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from './format-error.js';
import { parseModelText } from './text-format.js';

const TREE_0 = `Tree=0
num_leaves=3
num_cat=1
split_feature=1 0
split_gain=1 1
threshold=0 0.5
decision_type=1 2
left_child=-1 -2
right_child=1 -3
leaf_value=0.1 0.2 0.3
leaf_weight=1 1 1
leaf_count=1 1 1
internal_value=0 0
internal_weight=0 0
internal_count=3 2
cat_boundaries=0 1
cat_threshold=5
is_linear=0
shrinkage=1`;

const TREE_1 = `Tree=1
num_leaves=1
num_cat=0
split_feature=
split_gain=
threshold=
decision_type=
left_child=
right_child=
leaf_value=-0.05
leaf_weight=
leaf_count=
internal_value=
internal_weight=
internal_count=
is_linear=0
shrinkage=1`;

const HEADER = `tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=binary sigmoid:1
feature_names=a b c
feature_infos=[0:1] -1:0:1:2 [0:5]
tree_sizes=100 100`;

const TAIL = `end of trees

feature_importances:
a=1
b=1

parameters:
[boosting: gbdt]
[objective: binary]
[categorical_feature: 1]
end of parameters

pandas_categorical:[["x", "y", "z"]]
`;

const MODEL = `${HEADER}\n\n${TREE_0}\n\n\n${TREE_1}\n\n\n${TAIL}`;

function parse(text: string) {
  return parseModelText(Buffer.from(text));
}

function problem(text: string | Uint8Array): string {
  try {
    parseModelText(typeof text === 'string' ? Buffer.from(text) : text);
  } catch (err) {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the text parsed');
}

void describe('parseModelText', () => {
  void it('reads the header, every tree, the parameters and the pandas categories', () => {
    const m = parse(MODEL);
    assert.equal(m.header.version, 'v4');
    assert.equal(m.header.numClass, 1);
    assert.equal(m.header.numTreePerIteration, 1);
    assert.deepEqual(m.header.featureNames, ['a', 'b', 'c']);
    assert.deepEqual(m.header.featureInfos, ['[0:1]', '-1:0:1:2', '[0:5]']);
    assert.equal(m.header.objective, 'binary sigmoid:1');
    assert.equal(m.header.averageOutput, false);
    assert.equal(m.trees.length, 2);
    const [t0, t1] = m.trees;
    assert.ok(t0 !== undefined && t1 !== undefined);
    assert.equal(t0.numLeaves, 3);
    assert.deepEqual(Array.from(t0.splitFeature), [1, 0]);
    assert.deepEqual(Array.from(t0.threshold), [0, 0.5]);
    assert.deepEqual(Array.from(t0.decisionType), [1, 2]);
    assert.deepEqual(Array.from(t0.leftChild), [-1, -2]);
    assert.deepEqual(Array.from(t0.rightChild), [1, -3]);
    assert.deepEqual(Array.from(t0.leafValue), [0.1, 0.2, 0.3]);
    assert.deepEqual(Array.from(t0.catBoundaries), [0, 1]);
    assert.deepEqual(Array.from(t0.catThreshold), [5]);
    assert.equal(t0.linear, undefined);
    assert.equal(t1.numLeaves, 1);
    assert.deepEqual(Array.from(t1.leafValue), [-0.05]);
    assert.equal(m.parameters.get('boosting'), 'gbdt');
    assert.equal(m.parameters.get('categorical_feature'), '1');
    assert.deepEqual(m.pandasCategorical, [['x', 'y', 'z']]);
  });

  void it('reads CRLF files, average_output, a missing objective and the random-forest flag', () => {
    const text = MODEL.replace('objective=binary sigmoid:1\n', 'average_output\n').replaceAll('\n', '\r\n');
    const m = parse(text);
    assert.equal(m.header.objective, undefined);
    assert.equal(m.header.averageOutput, true);
    assert.equal(m.trees.length, 2);
  });

  void it('reads pandas_categorical as JSON: numbers, booleans, null, empty, absent', () => {
    const tail = (line: string) => MODEL.replace('pandas_categorical:[["x", "y", "z"]]', line);
    assert.deepEqual(parse(tail('pandas_categorical:[[70.0, 71.0], [false, true], ["a"]]')).pandasCategorical, [[70, 71], [false, true], ['a']]);
    assert.equal(parse(tail('pandas_categorical:null')).pandasCategorical, undefined);
    assert.deepEqual(parse(tail('pandas_categorical:[]')).pandasCategorical, []);
    assert.equal(parse(tail('')).pandasCategorical, undefined);
    assert.match(problem(tail('pandas_categorical:[["a",')), /pandas_categorical is not valid JSON/);
    assert.match(problem(tail('pandas_categorical:[[{"a": 1}]]')), /not a list of category lists/);
    assert.match(problem(tail('pandas_categorical:["a"]')), /not a list of category lists/);
  });

  void it('reads linear leaves', () => {
    const linear = TREE_0.replace('is_linear=0', 'is_linear=1\nleaf_const=1 2 3\nnum_features=2 0 1\nleaf_features=0 2  2 \nleaf_coeff=0.5 0.25  -1 ');
    const t = parse(MODEL.replace(TREE_0, linear)).trees[0]!;
    assert.deepEqual(Array.from(t.linear!.leafConst), [1, 2, 3]);
    assert.deepEqual(Array.from(t.linear!.featureStart), [0, 2, 2, 3]);
    assert.deepEqual(Array.from(t.linear!.features), [0, 2, 2]);
    assert.deepEqual(Array.from(t.linear!.coeffs), [0.5, 0.25, -1]);
  });

  void it('refuses files that are not LightGBM text models', () => {
    assert.equal(problem(''), 'the file is empty');
    assert.equal(problem('\n\n'), 'the file is empty');
    assert.equal(problem(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 8)), 'not a LightGBM text model: the file is binary');
    assert.equal(problem(Uint8Array.of(0x74, 0x72, 0xff, 0xfe)), 'not a LightGBM text model: the file is not UTF-8 text');
    assert.equal(problem('hello\nworld\n'), "not a LightGBM text model: no 'tree' header");
    assert.match(problem('{"name": "tree", "version": "v4", "tree_info": []}'), /no 'tree' header \(it looks like JSON/);
    assert.equal(problem(TREE_1), "not a LightGBM text model: no 'tree' header");
  });

  void it('names header problems', () => {
    assert.equal(problem(MODEL.replace('version=v4', 'version=v1')), "model version 'v1' is not supported (supported: v2, v3, v4)");
    assert.equal(problem(MODEL.replace('version=v4\n', '')), 'the header has no version line');
    assert.equal(problem(MODEL.replace('num_class=1\n', '')), 'the header has no num_class');
    assert.equal(problem(MODEL.replace('num_class=1', 'num_class=x')), 'num_class=x is not an integer ≥ 1');
    assert.equal(problem(MODEL.replace('feature_names=a b c', 'feature_names=a b')), 'max_feature_idx=2 but feature_names has 2 names');
    assert.equal(problem(MODEL.replace('feature_names=a b c', 'feature_names=a b a')), "feature name 'a' appears twice in feature_names");
    assert.equal(problem(MODEL.replace('[0:1] -1:0:1:2 [0:5]', '[0:1]')), 'feature_infos has 1 entries for 3 features');
    assert.equal(problem(MODEL.replace('num_tree_per_iteration=1', 'num_tree_per_iteration=3').replace('tree_sizes=100 100\n', '')), '2 trees is not a multiple of num_tree_per_iteration=3');
  });

  void it('names tree problems with the tree', () => {
    const bad = (from: string, to: string) => problem(MODEL.replace(TREE_0, TREE_0.replace(from, to)));
    assert.equal(bad('num_leaves=3', 'num_leaves=4'), 'Tree=0: num_leaves=4 but leaf_value has 3 values (expected 4)');
    assert.equal(bad('leaf_value=0.1 0.2 0.3', 'leaf_value=0.1 0.2 0.3 0.4\nnum_leaves=5'), 'Tree=0: num_leaves=5 but leaf_value has 4 values (expected 5)');
    assert.equal(
      problem(MODEL.replace(TREE_0, TREE_0.replace('num_leaves=3', 'num_leaves=5').replace('leaf_value=0.1 0.2 0.3', 'leaf_value=1 2 3 4 5').replace('split_feature=1 0', 'split_feature=1 0 0'))),
      'Tree=0: num_leaves=5 but split_feature has 3 values (expected 4)',
    );
    assert.equal(bad('leaf_value=0.1 0.2 0.3\n', ''), 'Tree=0 has no leaf_value');
    assert.equal(bad('threshold=0 0.5', 'threshold=0 abc'), 'Tree=0: threshold value "abc" is not a number');
    assert.equal(bad('split_feature=1 0', 'split_feature=1 3'), 'Tree=0: split_feature value "3" is not an integer from 0 to 2');
    assert.equal(bad('decision_type=1 2', 'decision_type=1 12'), 'Tree=0: decision_type 12 of node 1 has an unknown missing type');
    assert.equal(bad('right_child=1 -3', 'right_child=1 1'), 'Tree=0: node 1 is reached twice (child links do not form a tree)');
    assert.equal(bad('left_child=-1 -2', 'left_child=-1 -1'), 'Tree=0: leaf 0 is reached twice');
    assert.equal(bad('threshold=0 0.5', 'threshold=1 0.5'), 'Tree=0: categorical node 0 names bitset 1 but the tree has num_cat=1');
    assert.equal(bad('cat_boundaries=0 1', 'cat_boundaries=0 2'), 'Tree=0: cat_boundaries ends at 2 but cat_threshold has 1 values (expected 2)');
    assert.equal(bad('num_cat=1', 'num_cat=x'), 'Tree=0: num_cat=x is not a non-negative integer');
  });

  void it('reports a file cut short as truncated, wherever it was cut', () => {
    assert.equal(problem(MODEL.slice(0, MODEL.indexOf('leaf_value=-0.05'))), 'truncated: Tree=1 has no leaf_value');
    assert.equal(problem(MODEL.slice(0, MODEL.indexOf('0.2 0.3'))), 'truncated: Tree=0: num_leaves=3 but leaf_value has 1 values (expected 3)');
    assert.equal(problem(MODEL.slice(0, MODEL.indexOf('end of trees'))), "truncated: no 'end of trees' line after Tree=1");
    assert.equal(problem(MODEL.slice(0, MODEL.indexOf('Tree=0'))), "truncated: no 'end of trees' line");
    assert.equal(problem(MODEL.slice(0, MODEL.indexOf('end of parameters'))), "truncated: the parameters section has no 'end of parameters' line");
    assert.equal(problem(MODEL.replace(`${TREE_1}\n`, '')), 'truncated: tree_sizes lists 2 trees but the file holds 1');
    // Every cut inside the header, the trees or the parameters is caught. (A file that ends right
    // after "end of trees" is complete as far as LightGBM is concerned.)
    const cuts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const endOfTrees = MODEL.indexOf('end of trees') + 'end of tree'.length;
    for (const cut of [...cuts(1, endOfTrees), ...cuts(MODEL.indexOf('parameters:') + 11, MODEL.indexOf('end of parameters') + 16)]) {
      assert.throws(() => parseModelText(Buffer.from(MODEL.slice(0, cut))), FormatError, `cut at ${cut}`);
    }
  });
});
