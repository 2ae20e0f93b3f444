import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RowError } from '../tabular/model.js';
import { buildFeatures, toMatrix } from './inputs.js';
import { MISSING_HIGH, MISSING_LOW } from './matrix.js';
import type { ModelSpec } from './spec.js';

function spec(over: Partial<ModelSpec>): ModelSpec {
  return {
    format: 'json',
    version: '3.0.0',
    objective: 'reg:squarederror',
    booster: 'gbtree',
    baseScore: [0.5],
    numFeature: 0,
    numClass: 0,
    numTarget: 1,
    featureNames: [],
    featureTypes: [],
    categories: [],
    attributes: {},
    trees: [],
    treeInfo: [],
    numParallelTree: 1,
    ...over,
  };
}

const features = buildFeatures(
  spec({
    numFeature: 6,
    featureNames: ['x', 'age', 'flag', 'colour', 'cyl', 'code'],
    featureTypes: ['float', 'int', 'i', 'c', 'c', 'c'],
    categories: [undefined, undefined, undefined, ['red', 'green', 'blue'], [4, 6, 8], undefined],
  }),
);

/** The section A values of one converted row (matrix.ts). */
function convert(row: (number | string | boolean | null)[]): number[] {
  return Array.from(toMatrix([row], features).subarray(0, features.length));
}

function rowError(fn: () => unknown, field: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RowError);
    assert.equal(e.field, field);
    assert.match(e.message, pattern);
    return true;
  });
}

void describe('buildFeatures', () => {
  void it('names features from feature_names, else f0, f1, ...; types from feature_types', () => {
    assert.deepEqual(
      features.map((f) => f.field),
      [
        { name: 'x', type: 'number' },
        { name: 'age', type: 'integer' },
        { name: 'flag', type: 'number' },
        { name: 'colour', type: 'category', values: ['red', 'green', 'blue'] },
        { name: 'cyl', type: 'category', values: [4, 6, 8] },
        { name: 'code', type: 'category' },
      ],
    );
    assert.deepEqual(
      buildFeatures(spec({ numFeature: 2 })).map((f) => f.field.name),
      ['f0', 'f1'],
    );
  });

  void it('rejects names or types that do not match the feature count, and duplicate names', () => {
    assert.throws(() => buildFeatures(spec({ numFeature: 2, featureNames: ['a'] })), /feature_names has 1 entries for 2 features/);
    assert.throws(() => buildFeatures(spec({ numFeature: 2, featureTypes: ['q', 'q', 'q'] })), /feature_types has 3 entries/);
    assert.throws(() => buildFeatures(spec({ numFeature: 2, featureNames: ['a', 'a'] })), /"a" appears twice/);
  });
});

void describe('toMatrix', () => {
  void it('converts numbers to float32, numeric text, indicators and categories to codes', () => {
    assert.deepEqual(convert([0.1, 42, true, 'blue', 8, 3]), [Math.fround(0.1), 42, 1, 2, 2, 3]);
    assert.deepEqual(convert([' 2.5e1 ', '7', 'FALSE', 'red', '6', '0']), [25, 7, 0, 0, 1, 0]);
    assert.deepEqual(convert([1e39, -3, 0, 'green', 4, 12]), [Infinity, -3, 0, 1, 0, 12]);
  });

  void it('writes missing values as the low sentinel in section A and the high one in section B', () => {
    const x = toMatrix([[null, null, null, null, null, null]], features);
    assert.deepEqual(Array.from(x.subarray(0, 6)), new Array<number>(6).fill(MISSING_LOW));
    assert.deepEqual(Array.from(x.subarray(6, 12)), new Array<number>(6).fill(MISSING_HIGH));
    assert.equal(x[12], 0);
    assert.equal(x.length, 13);
  });

  void it('reports a value of the wrong kind with row, field and the expected form', () => {
    const ok: (number | string | boolean | null)[] = [1, 2, 0, 'red', 4, 0];
    const at = (f: number, v: number | string | boolean): (number | string | boolean | null)[][] => [ok, ok.map((o, i) => (i === f ? v : o))];
    rowError(() => toMatrix(at(0, 'abc'), features), 'x', /^row 1, field "x": expected a number, got "abc"$/);
    rowError(() => toMatrix(at(0, true), features), 'x', /expected a number, got true/);
    rowError(() => toMatrix(at(0, ''), features), 'x', /expected a number, got ""/);
    rowError(() => toMatrix(at(1, 2.5), features), 'age', /expected an integer, got 2.5/);
    rowError(() => toMatrix(at(2, 'yes'), features), 'flag', /expected a number or true\/false, got "yes"/);
    rowError(() => toMatrix(at(3, 'purple'), features), 'colour', /expected one of "red", "green", "blue", got "purple"/);
    rowError(() => toMatrix(at(4, 5), features), 'cyl', /expected one of 4, 6, 8, got 5/);
    rowError(() => toMatrix(at(5, -1), features), 'code', /expected a category code \(a whole number ≥ 0\), got -1/);
    rowError(() => toMatrix(at(5, 1.5), features), 'code', /got 1.5/);
    rowError(() => toMatrix([[1, 2]], features), 'flag', /expected 6 values, got 2/);
  });

  void it('keeps long bad text short in the message', () => {
    rowError(() => toMatrix([['x'.repeat(100), 1, 0, 'red', 4, 0]], features), 'x', /got "x{40}\.\.\."$/);
  });
});
