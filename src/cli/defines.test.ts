import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPatch, parseDefine, parseDefines, parseDefineValue } from './defines.js';
import { UsageError } from './errors.js';

void test('values are JSON when they parse as JSON, strings otherwise', () => {
  assert.equal(parseDefineValue('3'), 3);
  assert.equal(parseDefineValue('2.5'), 2.5);
  assert.equal(parseDefineValue('true'), true);
  assert.equal(parseDefineValue('false'), false);
  assert.equal(parseDefineValue('null'), null);
  assert.deepEqual(parseDefineValue('{"a":[1,2]}'), { a: [1, 2] });
  assert.deepEqual(parseDefineValue('[1,"x"]'), [1, 'x']);
  assert.equal(parseDefineValue('"12345678"'), '12345678');
  assert.equal(parseDefineValue('echo'), 'echo');
  assert.equal(parseDefineValue('python3 server.py'), 'python3 server.py');
  assert.equal(parseDefineValue(''), '');
  assert.equal(parseDefineValue('{not json'), '{not json');
});

void test('dotted keys become a nested patch', () => {
  assert.deepEqual(parseDefines(['metadata.instance=3', 'metadata.rpc.keepalive=8000', 'processor=echo']), {
    metadata: { instance: 3, rpc: { keepalive: 8000 } },
    processor: 'echo',
  });
});

void test('only the first = splits key from value', () => {
  assert.deepEqual(parseDefine('containers=[{"script":"A=1 node s.js"}]'), { path: ['containers'], value: [{ script: 'A=1 node s.js' }] });
  assert.deepEqual(parseDefine('labels.team=a=b'), { path: ['labels', 'team'], value: 'a=b' });
});

void test('null is kept so the merge patch removes the field', () => {
  assert.deepEqual(parseDefines(['metadata.rpc=null']), { metadata: { rpc: null } });
});

void test('malformed arguments are usage errors that say what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['metadata.instance', /expected key=value/],
    ['=3', /expected key=value/],
    ['metadata..instance=3', /empty field name/],
    ['metadata.=3', /empty field name/],
    ['meta data=3', /"meta data" is not a field name/],
    ['containers[0].port=8000', /items of a list cannot be set one by one/],
  ];
  for (const [arg, message] of cases) {
    assert.throws(
      () => parseDefine(arg),
      (err: unknown) => err instanceof UsageError && err.exitCode === 2 && message.test(err.message),
      arg,
    );
  }
});

void test('setting a field and a field inside it conflicts, in either order', () => {
  const conflict = (err: unknown): boolean => err instanceof UsageError && /conflicts with/.test(err.message);
  assert.throws(() => parseDefines(['metadata.instance=2', 'metadata=3']), conflict);
  assert.throws(() => parseDefines(['metadata=3', 'metadata.instance=2']), conflict);
  assert.throws(() => parseDefines(['metadata={"instance":1}', 'metadata.instance=2']), conflict);
  assert.throws(() => parseDefines(['metadata.instance=1', 'metadata.instance=2']), conflict);
});

void test('siblings under one parent do not conflict', () => {
  assert.deepEqual(buildPatch([
    { path: ['metadata', 'instance'], value: 2 },
    { path: ['metadata', 'cpu'], value: 1 },
  ]), { metadata: { instance: 2, cpu: 1 } });
});
