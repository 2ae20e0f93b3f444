import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEqual, mergePatch } from './merge-patch.js';

test('merge patch merges objects, replaces arrays and removes keys set to null', () => {
  const target = { name: 'a', metadata: { instance: 1, rpc: { keepalive: 5000 } }, containers: [{ script: 'x' }] };
  const patch = { metadata: { instance: 3, rpc: { keepalive: null } }, containers: [{ script: 'y' }] };
  assert.deepEqual(mergePatch(target, patch), { name: 'a', metadata: { instance: 3, rpc: {} }, containers: [{ script: 'y' }] });
  assert.deepEqual(target.metadata.rpc, { keepalive: 5000 }, 'the target is not mutated');
});

test('a non-object patch replaces the target', () => {
  assert.equal(mergePatch({ a: 1 }, 'x'), 'x');
});

test('jsonEqual ignores key order and compares deeply', () => {
  assert.ok(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
});
