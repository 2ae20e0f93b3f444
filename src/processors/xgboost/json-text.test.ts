import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError } from './format-error.js';
import { parseModelJson, quoteNonFinite } from './json-text.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

void describe('quoteNonFinite', () => {
  void it('rewrites bare NaN and infinities but not text inside strings', () => {
    assert.equal(quoteNonFinite('[NaN,Infinity,-Infinity,1.5]'), '["NaN",1e999,-1e999,1.5]');
    assert.equal(quoteNonFinite('{"NaN Infinity":"say \\"NaN\\"","v":-NaN}'), '{"NaN Infinity":"say \\"NaN\\"","v":"NaN"}');
  });
});

void describe('parseModelJson', () => {
  void it('parses plain JSON, with or without a byte order mark', () => {
    assert.deepEqual(parseModelJson(utf8('{"a":[1,2]}')), { a: [1, 2] });
    assert.deepEqual(parseModelJson(utf8('\uFEFF{"a":1}')), { a: 1 });
  });

  void it('accepts the bare NaN and Infinity that XGBoost 1.7 writes', () => {
    const doc = parseModelJson(utf8('{"loss_changes":[NaN, 0.5],"split_conditions":[Infinity,-Infinity]}')) as Record<string, unknown[]>;
    assert.deepEqual(doc['loss_changes'], ['NaN', 0.5]);
    assert.deepEqual(doc['split_conditions'], [Infinity, -Infinity]);
  });

  void it('reports invalid or truncated JSON as a ModelFormatError', () => {
    assert.throws(() => parseModelJson(utf8('{"learner": {"a": [1, 2')), (e: unknown) => e instanceof ModelFormatError && e.message.startsWith('invalid JSON'));
    assert.throws(() => parseModelJson(utf8('{"a": NaN,')), /invalid JSON/);
  });
});
