import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findJsonSyntaxError } from './json-syntax.js';

function problem(text: string): { at: string; message: string } | undefined {
  const p = findJsonSyntaxError(text);
  return p === undefined ? undefined : { at: `${p.line}:${p.column}`, message: p.message };
}

void test('valid JSON has no problem', () => {
  for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0', '\n\t{"a":{"b":{}}}\r\n']) {
    assert.equal(findJsonSyntaxError(text), undefined, text);
    JSON.parse(text);
  }
});

void test('each kind of mistake is named with its line and column', () => {
  const cases: [string, string, RegExp][] = [
    ['{"a": 1,}', '1:9', /trailing commas/],
    ['[1, 2,]', '1:7', /trailing commas/],
    ['{\n  "a": 1\n  "b": 2\n}', '3:3', /expected "," or "}" after a property value/],
    ['[1 2]', '1:4', /expected "," or "]" after an array item/],
    ["{'a': 1}", '1:2', /property names must be in double quotes/],
    ['{"a": \'x\'}', '1:7', /strings must use double quotes/],
    ['{a: 1}', '1:2', /property names must be in double quotes/],
    ['{"a" 1}', '1:6', /expected ":" after the property name/],
    ['{"a": }', '1:7', /expected a value/],
    ['{"a": 01}', '1:8', /invalid number/],
    ['{"a": .5}', '1:7', /expected a value/],
    ['{"a": tru}', '1:7', /expected a value/],
    ['{"a": "x\\q"}', '1:9', /invalid escape "\\q"/],
    ['{"a": "x\\u12"}', '1:9', /invalid \\u escape/],
    ['{"a": "line\tbreak"}', '1:12', /a tab inside a string/],
    ['{"a": "open\n}', '1:7', /unterminated string/],
    ['{"a": 1}\n// comment', '2:1', /comments are not allowed/],
    ['{\n  // why\n  "a": 1}', '2:3', /comments are not allowed/],
    ['{"a": 1} {"b": 2}', '1:10', /after the end of the JSON value/],
    ['{"a": 1', '1:8', /unexpected end of file: expected "," or "}"/],
    ['', '1:1', /unexpected end of file: expected a value/],
    ['{"a": [1, 2', '1:12', /unexpected end of file/],
  ];
  for (const [text, at, message] of cases) {
    const p = problem(text);
    assert.ok(p !== undefined, `no problem found in ${JSON.stringify(text)}`);
    assert.equal(p.at, at, `position for ${JSON.stringify(text)}: ${p.message}`);
    assert.match(p.message, message, JSON.stringify(text));
    assert.throws(() => JSON.parse(text) as unknown, SyntaxError, `JSON.parse accepts ${JSON.stringify(text)}`);
  }
});

void test('the offending line is returned for display', () => {
  const p = findJsonSyntaxError('{\n  "name": "x",\n  "metadata": {"instance": 2,}\n}');
  assert.equal(p?.sourceLine, '  "metadata": {"instance": 2,}');
  assert.equal(p?.column, 30);
});
