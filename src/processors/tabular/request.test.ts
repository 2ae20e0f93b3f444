import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputField } from './model.js';
import { parseRows, type RowsOutcome } from './request.js';

const inputs: InputField[] = [
  { name: 'age', type: 'number' },
  { name: 'city', type: 'category', values: ['Lyon', 'Paris'] },
  { name: 'income', type: 'number' },
];

function rows(body: string, type = 'application/json'): RowsOutcome {
  return parseRows(Buffer.from(body), type, inputs);
}

function reason(outcome: RowsOutcome): string {
  assert.equal(outcome.ok, false);
  return outcome.ok ? '' : outcome.reason;
}

test('row objects map to the feature order; absent keys are missing', () => {
  const out = rows('[{"city": "Lyon", "age": 31}, {"income": 2.5, "age": null}]');
  assert.ok(out.ok);
  assert.deepEqual(out.rows, [
    [31, 'Lyon', null],
    [null, null, 2.5],
  ]);
  assert.equal(out.rowLabel(1), '[1]');
});

test('one object is one row', () => {
  const out = rows('{"age": 40}');
  assert.ok(out.ok);
  assert.deepEqual(out.rows, [[40, null, null]]);
});

test('instances are positional in feature order', () => {
  const out = rows('{"instances": [[1, "Paris", 3], [2, null, 4]]}');
  assert.ok(out.ok);
  assert.deepEqual(out.rows[1], [2, null, 4]);
  assert.equal(out.rowLabel(0), 'instances[0]');
});

test('csv with a header in any column order; empty cells are missing', () => {
  const out = rows('income,age,city\n1.5,30,Lyon\n,41,\n', 'text/csv');
  assert.ok(out.ok);
  assert.deepEqual(out.rows, [
    ['30', 'Lyon', '1.5'],
    ['41', null, null],
  ]);
  assert.equal(out.rowLabel(1), 'CSV row 2');
});

test('bad bodies are named precisely', () => {
  assert.match(reason(rows('')), /empty/);
  assert.match(reason(rows('{"age": ')), /not valid JSON/);
  assert.match(reason(rows('[]')), /no rows/);
  assert.match(reason(rows('42')), /expected JSON rows/);
  assert.match(reason(rows('[{"agee": 3}]')), /\[0\]: unknown feature "agee" \(did you mean "age"\?\)/);
  assert.match(reason(rows('[{"age": [1]}]')), /\[0\], field "age": expected a number, string, boolean or null, got an array/);
  assert.match(reason(rows('{"instances": [[1, 2]]}')), /instances\[0\]: expected 3 values in the model's feature order \(age, city, income\), got 2/);
  assert.match(reason(rows('{"instances": 5}')), /instances: expected an array/);
  assert.match(reason(rows('[7]')), /\[0\]: expected a row object/);
  assert.match(reason(rows('age,zip\n1,2\n', 'text/csv')), /CSV header: unknown feature "zip"/);
  assert.match(reason(rows('age,city\n1\n', 'text/csv')), /CSV row 1: expected 2 cells/);
  assert.match(reason(rows('age\n', 'text/csv')), /no data rows/);
  assert.match(reason(rows('age,"city\n1,2', 'text/csv')), /CSV body cannot be read/);
});
