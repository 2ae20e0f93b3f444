import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkResult } from './result.js';

function reason(value: unknown): string {
  const r = checkResult(value);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.reason;
}

void describe('checkResult', () => {
  void it('defaults status 200 and the content-type by body kind', () => {
    const text = checkResult({ body: 'hi' });
    assert.ok(text.ok);
    assert.equal(text.status, 200);
    assert.equal(text.body, 'hi');
    assert.deepEqual({ ...text.headers }, { 'content-type': 'text/plain; charset=utf-8' });
    const bytes = checkResult({ body: Buffer.from('x') });
    assert.equal(bytes.ok && bytes.headers['content-type'], 'application/octet-stream');
    const u8 = checkResult({ body: new Uint8Array(2) });
    assert.equal(u8.ok && u8.headers['content-type'], 'application/octet-stream');
  });

  void it('lower-cases header names, keeps the processor content-type, drops framing headers', () => {
    const r = checkResult({ body: '', status: 201, headers: { 'Content-Type': 'application/json', 'X-A': 'b', 'Content-Length': '9', Connection: 'close', 'Transfer-Encoding': 'chunked' } });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.equal(r.status, 201);
    assert.deepEqual({ ...r.headers }, { 'content-type': 'application/json', 'x-a': 'b' });
  });

  void it('names what is wrong', () => {
    assert.match(reason(undefined), /expected an object \{ body, status\?, headers\? \}, got undefined/);
    assert.match(reason([]), /got an array/);
    assert.match(reason({}), /body must be a Buffer, Uint8Array or string, got undefined/);
    assert.match(reason({ body: new ArrayBuffer(1) }), /got an ArrayBuffer/);
    assert.match(reason({ body: new Uint16Array(1) }), /got a Uint16Array/);
    assert.match(reason({ body: '', status: '200' }), /status must be an integer from 200 to 599, got string/);
    assert.match(reason({ body: '', status: 100 }), /got 100/);
    assert.match(reason({ body: '', status: 600 }), /got 600/);
    assert.match(reason({ body: '', status: NaN }), /got NaN/);
    assert.match(reason({ body: '', headers: 'x' }), /headers must be an object of strings, got string/);
    assert.match(reason({ body: '', headers: { a: ['x'] } }), /headers\["a"\] must be a string, got an array/);
    assert.match(reason({ body: '', headers: { a: 'x\ny' } }), /control character/);
    assert.match(reason({ body: '', headers: { a: 'x\u0000' } }), /control character/);
    assert.match(reason({ body: '', headers: { a: '\u2028' } }), /control character/);
    assert.match(reason({ body: '', headers: { 'a:b': 'x' } }), /header name "a:b" is not a valid HTTP token/);
    assert.match(reason({ body: '', headers: { '': 'x' } }), /header name "" is not a valid HTTP token/);
  });

  void it('keeps a header named __proto__ as a header', () => {
    const r = checkResult({ body: '', headers: JSON.parse('{"__proto__":"v"}') as Record<string, string> });
    assert.equal(r.ok, true);
    if (r.ok) assert.equal(Object.getOwnPropertyDescriptor(r.headers, '__proto__')?.value, 'v');
  });

  void it('accepts tabs and obs-text in header values', () => {
    assert.equal(checkResult({ body: '', headers: { a: 'x\ty\u00e9' } }).ok, true);
  });
});
