import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RowError, type RawValue } from '../tabular/model.js';
import { FormatError } from './format-error.js';
import { describeFeatures, toMatrix } from './inputs.js';
import type { CategoryValue, ParsedModel } from './text-format.js';
import { parseTreeBlock } from './tree-block.js';

/** A model with features n (numerical), c (categorical, split on as such) and k (categorical by feature_infos). */
function model(pandas?: CategoryValue[][], declared?: string): ParsedModel {
  const fields = { num_leaves: '2', num_cat: '1', split_feature: '1', threshold: '0', decision_type: '1', left_child: '-1', right_child: '-2', leaf_value: '0 1', cat_boundaries: '0 1', cat_threshold: '1' };
  return {
    header: { version: 'v4', numClass: 1, numTreePerIteration: 1, featureNames: ['n', 'c', 'k'], featureInfos: ['[0:1]', '-1:0:1', '0:1:2'], objective: undefined, averageOutput: false },
    trees: [parseTreeBlock('Tree=0', new Map(Object.entries(fields)), 3)],
    parameters: new Map(declared === undefined ? [] : [['categorical_feature', declared]]),
    pandasCategorical: pandas,
  };
}

function matrix(rows: RawValue[][], pandas?: CategoryValue[][]): number[] {
  return Array.from(toMatrix(rows, describeFeatures(model(pandas))));
}

function rowError(rows: RawValue[][], pandas?: CategoryValue[][]): RowError {
  try {
    toMatrix(rows, describeFeatures(model(pandas)));
  } catch (err) {
    assert.ok(err instanceof RowError, `expected a RowError, got ${String(err)}`);
    return err;
  }
  assert.fail('no RowError');
}

void describe('describeFeatures', () => {
  void it('types numerical features as numbers and categorical ones as integer codes', () => {
    assert.deepEqual(describeFeatures(model()).map((f) => f.field), [
      { name: 'n', type: 'number' },
      { name: 'c', type: 'integer' },
      { name: 'k', type: 'integer' },
    ]);
  });

  void it('gives categorical features their pandas categories, in order', () => {
    const fields = describeFeatures(model([['a', 'b'], [70, 71]])).map((f) => f.field);
    assert.deepEqual(fields[1], { name: 'c', type: 'category', values: ['a', 'b'] });
    assert.deepEqual(fields[2], { name: 'k', type: 'category', values: [70, 71] });
  });

  void it('follows the declared categorical_feature list when it names as many columns as pandas_categorical', () => {
    const fields = describeFeatures(model([['a', 'b']], '2')).map((f) => f.field);
    assert.deepEqual(fields[1], { name: 'c', type: 'integer' });
    assert.deepEqual(fields[2], { name: 'k', type: 'category', values: ['a', 'b'] });
  });

  void it('refuses pandas categories it cannot place', () => {
    assert.throws(() => describeFeatures(model([['a'], ['b'], ['c']])), (err: unknown) => err instanceof FormatError && /pandas_categorical lists 3 category columns but the model has 2 categorical features \(c, k\)/.test(err.message));
  });
});

void describe('toMatrix', () => {
  void it('converts numbers, numeric text, booleans and missing values', () => {
    assert.deepEqual(matrix([[1.5, 2, '3'], ['-2.5e3', '1', null], [true, false, '  7 '], [null, 'nan', 'NaN'], ['inf', 0, 0], ['-Infinity', 0, 0]]), [
      1.5, 2, 3, -2500, 1, NaN, 1, 0, 7, NaN, NaN, NaN, Infinity, 0, 0, -Infinity, 0, 0,
    ]);
  });

  void it('stores magnitudes below LightGBM’s zero threshold as zero', () => {
    assert.deepEqual(matrix([[1e-36, 0, 0], [-1e-40, 0, 0]]), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(matrix([[1e-34, 0, 0]]), [1e-34, 0, 0]);
  });

  void it('matches pandas categories by value: 70.0 == "70", false == "FALSE", true == 1', () => {
    const pandas = [[false, true], [70, 71.5]];
    assert.deepEqual(matrix([[0, 'FALSE', '70'], [0, 'true', 71.5], [0, true, '71.50'], [0, 1, '7.1e1']], pandas), [0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, NaN]);
    assert.deepEqual(matrix([[0, 'b', 'a'], [0, 'a', 'b']], [['a', 'b'], ['b', 'a']]), [0, 1, 1, 0, 0, 0]);
    assert.deepEqual(matrix([[0, 70, '1'], [0, '70', 1]], [['70', '70.0'], ['1', '1.0']]), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(matrix([[0, '70.0', '1.0']], [['70', '70.0'], ['1', '1.0']]), [0, 1, 1]);
  });

  void it('turns unseen categories into NaN, as pandas and LightGBM do', () => {
    assert.deepEqual(matrix([[0, 'zzz', -999], [0, null, 'Private ']], [['a'], ['Private']]), [0, NaN, NaN, 0, NaN, NaN]);
  });

  void it('reports a value a numerical feature cannot take with row, field and expected form', () => {
    const err = rowError([[1, 0, 0], ['abc', 0, 0]]);
    assert.equal(err.message, 'row 1, field "n": expected a number, got "abc"');
    assert.equal(err.row, 1);
    assert.equal(err.field, 'n');
    assert.equal(rowError([['', 0, 0]]).message, 'row 0, field "n": expected a number, got ""');
    assert.equal(rowError([['0x10', 0, 0]]).message, 'row 0, field "n": expected a number, got "0x10"');
    assert.equal(rowError([['12abc', 0, 0]]).message, 'row 0, field "n": expected a number, got "12abc"');
  });

  void it('requires whole numbers for categorical codes', () => {
    assert.deepEqual(matrix([[0, '3', -1], [0, 2, null]]), [0, 3, -1, 0, 2, NaN]);
    assert.equal(rowError([[0, 'red', 0]]).message, 'row 0, field "c": expected an integer category code, got "red"');
    assert.equal(rowError([[0, 1.5, 0]]).message, 'row 0, field "c": expected an integer category code, got 1.5');
    assert.equal(rowError([[0, 0, 'Infinity']]).message, 'row 0, field "k": expected an integer category code, got "Infinity"');
  });

  void it('reports rows of the wrong length', () => {
    assert.equal(rowError([[0, 0]]).message, 'row 0, field "k": expected 3 values in input order, got 2 values');
    assert.equal(rowError([[0, 0, 0], [0, 0, 0, 0]]).message, 'row 1, field "k": expected 3 values in input order, got 4 values');
  });
});
