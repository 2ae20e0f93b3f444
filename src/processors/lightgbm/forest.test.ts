import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildForest, leafIndices, rawScores } from './forest.js';
import { parseTreeBlock } from './tree-block.js';

function tree(fields: Record<string, string | number>, features = 2) {
  return parseTreeBlock('Tree=0', new Map(Object.entries(fields).map(([k, v]) => [k, String(v)])), features);
}

/** Scores single-feature rows through one tree. */
function outputs(fields: Record<string, string | number>, values: readonly number[]): number[] {
  const forest = buildForest([tree(fields, 1)]);
  return Array.from(rawScores(forest, Float64Array.from(values), values.length, 1, 1, 1));
}

/** One split on feature 0 at 1.5: leaf 0 (value 10) left, leaf 1 (value 20) right. */
function stump(decisionType: number, threshold = 1.5): Record<string, string | number> {
  return { num_leaves: 2, num_cat: 0, split_feature: 0, threshold, decision_type: decisionType, left_child: -1, right_child: -2, leaf_value: '10 20' };
}

void describe('numerical decisions', () => {
  void it('goes left when the value is at most the threshold (doubles, no float32 rounding)', () => {
    assert.deepEqual(outputs(stump(2), [1.5, 1.5000000000000002, -Infinity, Infinity]), [10, 20, 10, 20]);
    assert.deepEqual(outputs(stump(2, 0.1), [0.1, 0.10000000149011612]), [10, 20]);
  });

  void it('missing type None: NaN is taken as 0 and compared with the threshold', () => {
    assert.deepEqual(outputs(stump(0, 1.5), [NaN]), [10]);
    assert.deepEqual(outputs(stump(0, -1), [NaN]), [20]);
  });

  void it('missing type Zero: NaN and zero follow the default direction', () => {
    // decision_type 4 = Zero, default right; 6 = Zero, default left.
    assert.deepEqual(outputs(stump(4, 1.5), [0, NaN, 1e-36, 1]), [20, 20, 20, 10]);
    assert.deepEqual(outputs(stump(6, -1), [0, NaN, -1e-36, -2]), [10, 10, 10, 10]);
    assert.deepEqual(outputs(stump(6, -1), [5]), [20]);
  });

  void it('missing type NaN: only NaN follows the default direction; zero is compared', () => {
    // decision_type 8 = NaN, default right; 10 = NaN, default left.
    assert.deepEqual(outputs(stump(8, 1.5), [NaN, 0]), [20, 10]);
    assert.deepEqual(outputs(stump(10, -1), [NaN, 0]), [10, 20]);
  });
});

void describe('categorical decisions', () => {
  // cat_threshold 2^1 | 2^3 = 10 in word 0 and 2^0 in word 1: categories 1, 3 and 32 go left.
  const cat = { num_leaves: 2, num_cat: 1, split_feature: 0, threshold: 0, decision_type: 9, left_child: -1, right_child: -2, leaf_value: '10 20', cat_boundaries: '0 2', cat_threshold: '10 1' };

  void it('sends categories in the bitset left and all others right', () => {
    assert.deepEqual(outputs(cat, [1, 3, 32, 0, 2, 31, 33, 64, 1000]), [10, 10, 10, 20, 20, 20, 20, 20, 20]);
  });

  void it('truncates codes toward zero as static_cast<int> does', () => {
    assert.deepEqual(outputs(cat, [1.9, 3.2, -0.5, 0.5]), [10, 10, 20, 20]);
    assert.deepEqual(outputs({ ...cat, cat_threshold: '1 0' }, [-0.5]), [10]);
  });

  void it('sends NaN, negative codes and codes beyond int range right', () => {
    assert.deepEqual(outputs(cat, [NaN, -1, -3, 2 ** 31 + 1, 2 ** 32 + 1, Infinity]), [20, 20, 20, 20, 20, 20]);
  });

  void it('ignores the categorical bit in a tree without bitsets, as LightGBM does', () => {
    assert.deepEqual(outputs({ ...stump(1), num_cat: 0 }, [1, 2]), [10, 20]);
  });
});

void describe('walk and sums', () => {
  const deep = { num_leaves: 3, num_cat: 0, split_feature: '0 1', threshold: '0 5', decision_type: '2 2', left_child: '-1 -2', right_child: '1 -3', leaf_value: '1 2 3' };

  void it('follows internal nodes to leaves and reports the leaf index within each tree', () => {
    const forest = buildForest([tree(deep), tree({ num_leaves: 1, num_cat: 0, leaf_value: 0.5 })]);
    const x = Float64Array.from([-1, 0, 1, 5, 1, 6]);
    assert.deepEqual(Array.from(leafIndices(forest, x, 3, 2, 2)), [0, 0, 1, 0, 2, 0]);
    assert.deepEqual(Array.from(rawScores(forest, x, 3, 2, 1, 2)), [1, 0.5, 2, 0.5, 3, 0.5]);
    assert.deepEqual(Array.from(rawScores(forest, x, 3, 2, 2, 1)), [1.5, 2.5, 3.5]);
  });

  void it('sums class trees per iteration and stops at the requested iteration', () => {
    const leaf = (v: number) => tree({ num_leaves: 1, num_cat: 0, leaf_value: v });
    const forest = buildForest([leaf(1), leaf(10), leaf(2), leaf(20), leaf(4), leaf(40)]);
    const x = new Float64Array(2);
    assert.deepEqual(Array.from(rawScores(forest, x, 1, 2, 3, 2)), [7, 70]);
    assert.deepEqual(Array.from(rawScores(forest, x, 1, 2, 2, 2)), [3, 30]);
  });
});

void describe('linear leaves', () => {
  const linear = {
    num_leaves: 2, num_cat: 0, split_feature: 0, threshold: 0, decision_type: 2, left_child: -1, right_child: -2,
    leaf_value: '100 200', is_linear: 1, leaf_const: '1 2', num_features: '2 0', leaf_features: '0 1  ', leaf_coeff: '0.5 -2  ',
  };

  void it('adds const + coefficient · feature in the order written', () => {
    const forest = buildForest([tree(linear)]);
    // Left leaf: 1 + 0.5·(-2) + (-2)·3 = -6; right leaf has no terms: its const 2.
    assert.deepEqual(Array.from(rawScores(forest, Float64Array.from([-2, 3, 4, 3]), 2, 2, 1, 1)), [-6, 2]);
  });

  void it('falls back to the plain leaf value when a term’s feature is NaN', () => {
    const forest = buildForest([tree(linear)]);
    assert.deepEqual(Array.from(rawScores(forest, Float64Array.from([-2, NaN, 4, NaN]), 2, 2, 1, 1)), [100, 2]);
  });

  void it('applies a linear model on a single-leaf tree', () => {
    const forest = buildForest([tree({ num_leaves: 1, num_cat: 0, leaf_value: 9, is_linear: 1, leaf_const: 1, num_features: 1, leaf_features: 1, leaf_coeff: 2 })]);
    assert.deepEqual(Array.from(rawScores(forest, Float64Array.from([0, 3, 0, NaN]), 2, 2, 1, 1)), [7, 9]);
  });
});
