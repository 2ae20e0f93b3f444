import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V2Datatype } from './datatypes.js';
import { Problems, renderProblem } from './problems.js';
import { elementPath, encodeElements, flattenData, toJsonValues } from './tensors.js';

function encode(values: unknown[], datatype: V2Datatype): { data: unknown; problems: string[] } {
  const problems = new Problems();
  const data = encodeElements(values, datatype, (i) => `data[${i}]`, problems);
  return { data, problems: problems.list.map(renderProblem) };
}

void describe('flattenData', () => {
  void it('takes flat data of the right length', () => {
    const problems = new Problems();
    assert.deepEqual(flattenData([1, 2, 3, 4, 5, 6], [2, 3], 'd', problems), { values: [1, 2, 3, 4, 5, 6], nested: false });
    assert.ok(problems.empty);
  });

  void it('flattens data nested by dimension', () => {
    const problems = new Problems();
    const flat = flattenData(
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [2, 2, 1],
      'd',
      problems,
    );
    assert.deepEqual(flat, { values: [1, 2, 3, 4], nested: true });
  });

  void it('names the level where the nesting does not match the shape', () => {
    const problems = new Problems();
    assert.equal(flattenData([[1, 2, 3], [4, 5]], [2, 3], 'inputs[0].data', problems), undefined);
    assert.deepEqual(problems.list.map(renderProblem), ['inputs[0].data[1]: expected 3 item(s) (dimension 1 of shape [2, 3]), got 2']);
    const more = new Problems();
    assert.equal(flattenData([[1, 2], 3], [2, 2], 'd', more), undefined);
    assert.deepEqual(more.list.map(renderProblem), ['d[1]: expected an array of 2 (dimension 1 of shape [2, 2]), got 3']);
  });

  void it('checks the element count and the kind of data', () => {
    const problems = new Problems();
    flattenData([1, 2, 3], [2, 2], 'd', problems);
    flattenData({ a: 1 }, [1], 'e', problems);
    assert.deepEqual(problems.list.map(renderProblem), ['d: holds 3 element(s) but shape [2, 2] needs 4', 'e: expected an array, got an object']);
  });
});

void describe('elementPath', () => {
  void it('writes nested indices for nested data', () => {
    assert.equal(elementPath('d', 5, [2, 3], true), 'd[1][2]');
    assert.equal(elementPath('d', 5, [2, 3], false), 'd[5]');
  });
});

void describe('encodeElements', () => {
  void it('rounds FP32 and keeps FP64', () => {
    assert.deepEqual(encode([0.1, 'NaN', '-Infinity'], 'FP32').data, new Float32Array([0.1, NaN, -Infinity]));
    assert.deepEqual(encode([0.1], 'FP64').data, new Float64Array([0.1]));
  });

  void it('reports the first bad element and how many more there are', () => {
    assert.deepEqual(encode([1, 2, 3, 'x', null, true], 'FP32').problems, ['data[3]: expected a number, got "x" (and 2 more bad element(s) in this tensor)']);
    assert.deepEqual(encode([1e39], 'FP32').problems, ['data[0]: expected a number within the FP32 range (±3.4028234663852886e+38), got 1e+39']);
    assert.deepEqual(encode([70000], 'FP16').problems, ['data[0]: expected a number within the FP16 range (±65504), got 70000']);
  });

  void it('checks integer ranges', () => {
    assert.deepEqual(encode([255, 0], 'UINT8').data, new Uint8Array([255, 0]));
    assert.deepEqual(encode([256], 'UINT8').problems, ['data[0]: expected an integer from 0 to 255, got 256']);
    assert.deepEqual(encode([1.5], 'INT32').problems, ['data[0]: expected an integer, got 1.5']);
    assert.deepEqual(encode(['3'], 'INT16').problems, ['data[0]: expected an integer, got "3"']);
  });

  void it('takes 64-bit integers as safe numbers or decimal strings', () => {
    assert.deepEqual(encode([-3, '9223372036854775807'], 'INT64').data, new BigInt64Array([-3n, 9223372036854775807n]));
    assert.deepEqual(encode(['18446744073709551615'], 'UINT64').data, new BigUint64Array([18446744073709551615n]));
    assert.deepEqual(encode([2 ** 60], 'INT64').problems, ['data[0]: expected an integer within ±9007199254740991 (send larger values as decimal strings), got 1152921504606847000']);
    assert.deepEqual(encode(['9223372036854775808'], 'INT64').problems, ['data[0]: expected an integer from -9223372036854775808 to 9223372036854775807, got "9223372036854775808"']);
    assert.deepEqual(encode([-1], 'UINT64').problems, ['data[0]: expected an integer from 0 to 18446744073709551615, got -1']);
  });

  void it('takes booleans for BOOL, strings for BYTES and halves for FP16', () => {
    assert.deepEqual(encode([true, false], 'BOOL').data, new Uint8Array([1, 0]));
    assert.deepEqual(encode([1], 'BOOL').problems, ['data[0]: expected true or false, got 1']);
    assert.deepEqual(encode(['a', 'ç'], 'BYTES').data, ['a', 'ç']);
    assert.deepEqual(encode([1], 'BYTES').problems, ['data[0]: expected a string, got 1']);
    assert.deepEqual(encode([1, -2], 'FP16').data, new Uint16Array([0x3c00, 0xc000]));
  });
});

void describe('toJsonValues', () => {
  void it('writes 64-bit integers as numbers while exact, else as strings', () => {
    assert.deepEqual(toJsonValues(new BigInt64Array([1n, -9007199254740991n, 9007199254740992n]), 'INT64'), [1, -9007199254740991, '9007199254740992']);
    assert.deepEqual(toJsonValues(new BigUint64Array([18446744073709551615n]), 'UINT64'), ['18446744073709551615']);
  });

  void it('writes non-finite floats as the strings requests accept', () => {
    assert.deepEqual(toJsonValues(new Float32Array([1.5, NaN, Infinity, -Infinity]), 'FP32'), [1.5, 'NaN', 'Infinity', '-Infinity']);
    assert.deepEqual(toJsonValues(new Uint16Array([0x3c00, 0x7c00]), 'FP16'), [1, 'Infinity']);
    assert.deepEqual(toJsonValues(new Uint8Array([1, 0]), 'BOOL'), [true, false]);
  });
});
