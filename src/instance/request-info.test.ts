import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headerRecord, splitTarget } from './request-info.js';

void describe('splitTarget', () => {
  void it('splits path and query', () => {
    assert.deepEqual(splitTarget('/a/b?x=1&y=2'), { path: '/a/b', query: 'x=1&y=2' });
    assert.deepEqual(splitTarget('/'), { path: '/', query: '' });
    assert.deepEqual(splitTarget('/?'), { path: '/', query: '' });
    assert.deepEqual(splitTarget('/a?b?c'), { path: '/a', query: 'b?c' });
  });

  void it('keeps only the path of an absolute-form target', () => {
    assert.deepEqual(splitTarget('http://host:1/p?q=1'), { path: '/p', query: 'q=1' });
  });

  void it('never throws on odd targets', () => {
    assert.deepEqual(splitTarget('*'), { path: '/*', query: '' });
    assert.deepEqual(splitTarget(''), { path: '/', query: '' });
  });
});

void describe('headerRecord', () => {
  void it('joins repeated headers into strings and keeps names as given', () => {
    const out = headerRecord({ 'set-cookie': ['a=1', 'b=2'], host: 'x' });
    assert.equal(out['set-cookie'], 'a=1, b=2');
    assert.equal(out.host, 'x');
  });

  void it('keeps a header named __proto__ as data', () => {
    const headers = JSON.parse('{"__proto__":"v"}') as Record<string, string>;
    const out = headerRecord(headers);
    assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, 'v');
  });
});
