import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyFramer } from './body-framer.js';
import { BODY_CHUNKED, BODY_CLOSE, BODY_LENGTH, BODY_NONE } from './response-head.js';

/** Runs the framer over `text` in pieces; returns consumed bytes, or the error. */
function frame(kind: 0 | 1 | 2 | 3, text: string, opts: { length?: number; limit?: number; piece?: number } = {}): { used: number; done: boolean; error: string | null; tooLarge: boolean; total: number } {
  const f = new BodyFramer();
  f.reset(kind, opts.length ?? 0, opts.limit ?? Infinity);
  const buf = Buffer.from(text, 'latin1');
  const step = opts.piece ?? buf.length;
  let used = 0;
  for (let at = 0; at < buf.length && !f.done; at += step) {
    const piece = buf.subarray(at, Math.min(at + step, buf.length));
    const n = f.consume(piece, 0, piece.length);
    if (n === -1) return { used, done: false, error: f.error, tooLarge: f.tooLarge, total: f.total };
    used += n;
    if (n < piece.length) break;
  }
  return { used, done: f.done, error: null, tooLarge: false, total: f.total };
}

const CHUNKED = '5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer-A: 1\r\nTrailer-B: two\r\n\r\n';

void describe('BodyFramer', () => {
  void it('has nothing to read for BODY_NONE and zero lengths', () => {
    const f = new BodyFramer();
    f.reset(BODY_NONE, 0, Infinity);
    assert.equal(f.done, true);
    assert.equal(f.consume(Buffer.from('GET'), 0, 3), 0);
    f.reset(BODY_LENGTH, 0, Infinity);
    assert.equal(f.done, true);
  });

  void it('counts Content-Length bodies and stops at their end', () => {
    assert.deepEqual(frame(BODY_LENGTH, 'helloGET /', { length: 5 }), { used: 5, done: true, error: null, tooLarge: false, total: 5 });
    assert.equal(frame(BODY_LENGTH, 'hel', { length: 5 }).done, false);
    assert.equal(frame(BODY_LENGTH, 'helloGET', { length: 5, piece: 1 }).used, 5);
  });

  void it('walks chunked bodies with extensions and trailers, in any split', () => {
    for (const piece of [CHUNKED.length, 1, 2, 3, 5, 7]) {
      const r = frame(BODY_CHUNKED, `${CHUNKED}GET /next`, { piece });
      assert.equal(r.error, null, `piece ${piece}`);
      assert.equal(r.done, true, `piece ${piece}`);
      assert.equal(r.used, CHUNKED.length, `piece ${piece}`);
      assert.equal(r.total, 16);
    }
  });

  void it('accepts upper- and lowercase hex and leading zeros', () => {
    assert.equal(frame(BODY_CHUNKED, `000a\r\n${'x'.repeat(10)}\r\n00\r\n\r\n`).done, true);
    assert.equal(frame(BODY_CHUNKED, `A\r\n${'x'.repeat(10)}\r\n0\r\n\r\n`).done, true);
  });

  void it('reads close-delimited bodies until told the peer closed', () => {
    const f = new BodyFramer();
    f.reset(BODY_CLOSE, 0, Infinity);
    assert.equal(f.consume(Buffer.from('abc'), 0, 3), 3);
    assert.equal(f.done, false);
    f.finishAtClose();
    assert.equal(f.done, true);
  });

  const malformed: [string, string, RegExp][] = [
    ['empty size', '\r\nabc\r\n0\r\n\r\n', /bad chunk size/],
    ['non-hex size', 'g\r\n', /bad chunk size/],
    ['space after size', '5 \r\nhello\r\n0\r\n\r\n', /bad chunk size/],
    ['negative size', '-5\r\n', /bad chunk size/],
    ['0x prefix', '0x5\r\nhello\r\n0\r\n\r\n', /bad chunk size/],
    ['bare LF after size', '5\nhello\r\n0\r\n\r\n', /bad chunk size/],
    ['CR without LF after size', '5\rhello\r\n0\r\n\r\n', /CR without LF/],
    ['data longer than size', '3\r\nhello\r\n0\r\n\r\n', /longer than its size/],
    ['no CRLF after data', '5\r\nhelloX\n0\r\n\r\n', /longer than its size/],
    ['LF only after data', '5\r\nhello\n0\r\n\r\n', /longer than its size/],
    ['CR then junk after data', '5\r\nhello\rX0\r\n\r\n', /not followed by CRLF/],
    ['size overflow', 'fffffffffffffffff\r\n', /too large/],
    ['control byte in extension', '5;a=\x01\r\nhello\r\n0\r\n\r\n', /chunk extension/],
    ['LF in extension', '5;a\nb\r\nhello\r\n0\r\n\r\n', /chunk extension/],
    ['obs-fold trailer', '0\r\nA: 1\r\n b\r\n\r\n', /malformed trailer/],
    ['trailer without colon', '0\r\nAb\r\n\r\n', /malformed trailer/],
    ['bare LF ending', '0\r\n\n', /malformed trailer/],
    ['CR then junk ending', '0\r\n\rx', /bad last chunk/],
  ];
  for (const [name, text, reason] of malformed) {
    void it(`rejects: ${name}`, () => {
      const whole = frame(BODY_CHUNKED, text);
      assert.ok(whole.error !== null, `${name}: expected an error`);
      assert.match(whole.error, reason);
      assert.match(frame(BODY_CHUNKED, text, { piece: 1 }).error ?? '', reason, `${name} byte by byte`);
    });
  }

  void it('refuses a chunked body over the limit as soon as a size says so', () => {
    const r = frame(BODY_CHUNKED, '5\r\nhello\r\n6\r\n', { limit: 10 });
    assert.equal(r.tooLarge, true);
    assert.match(r.error ?? '', /exceeds 10 bytes/);
    assert.equal(frame(BODY_CHUNKED, '5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n', { limit: 10 }).done, true);
  });

  void it('bounds size lines and trailers', () => {
    assert.match(frame(BODY_CHUNKED, `5;${'x'.repeat(5000)}\r\n`).error ?? '', /too long/);
    assert.match(frame(BODY_CHUNKED, `0\r\nA: ${'x'.repeat(70_000)}\r\n\r\n`).error ?? '', /trailers too large/);
  });
});
