import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadScanner, SCAN_COMPLETE, SCAN_INCOMPLETE, SCAN_TOO_LARGE } from './head-scanner.js';

const HEAD = 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n';
const AFTER = 'bodyGET /next';

/** Feeds `text` in the given pieces; returns the head and what followed it. */
function scan(pieces: string[], limit = 1024): { status: number; head: string; rest: string } {
  const s = new HeadScanner(limit);
  for (const piece of pieces) {
    const status = s.push(Buffer.from(piece, 'latin1'), 0);
    if (status === SCAN_TOO_LARGE) return { status, head: '', rest: '' };
    if (status === SCAN_COMPLETE) {
      return { status, head: s.buf.toString('latin1', s.start, s.headEnd), rest: s.buf.toString('latin1', s.headEnd) };
    }
  }
  return { status: SCAN_INCOMPLETE, head: '', rest: '' };
}

void describe('HeadScanner', () => {
  void it('finds a head in one piece without copying it', () => {
    const s = new HeadScanner(1024);
    const buf = Buffer.from(HEAD + AFTER, 'latin1');
    assert.equal(s.push(buf, 0), SCAN_COMPLETE);
    assert.equal(s.buf, buf);
    assert.equal(s.headEnd, HEAD.length);
  });

  void it('honours a start offset', () => {
    const s = new HeadScanner(1024);
    const buf = Buffer.from(`xx${HEAD}`, 'latin1');
    assert.equal(s.push(buf, 2), SCAN_COMPLETE);
    assert.equal(s.start, 2);
    assert.equal(s.headEnd, 2 + HEAD.length);
  });

  void it('gives the same head for every split into two pieces', () => {
    const text = HEAD + AFTER;
    for (let i = 1; i < text.length; i++) {
      const r = scan([text.slice(0, i), text.slice(i)]);
      assert.equal(r.status, SCAN_COMPLETE, `split at ${i}`);
      assert.equal(r.head, HEAD, `split at ${i}`);
      // The head completes in whichever piece holds its last byte; the rest is what that piece held after it.
      assert.equal(r.rest, i < HEAD.length ? AFTER : text.slice(HEAD.length, i), `split at ${i}`);
    }
  });

  void it('gives the same head byte by byte and in random pieces', () => {
    const text = HEAD + AFTER;
    const bytes = [...text];
    const r1 = scan(bytes);
    assert.equal(r1.head, HEAD);
    // Byte by byte the head completes on its last byte: nothing after it has been pushed yet.
    assert.equal(r1.rest, '');
    let seed = 42;
    for (let round = 0; round < 200; round++) {
      const pieces: string[] = [];
      let at = 0;
      while (at < text.length) {
        seed = (seed * 16807) % 2147483647;
        const n = 1 + (seed % 7);
        pieces.push(text.slice(at, at + n));
        at += n;
      }
      const r = scan(pieces);
      assert.equal(r.head, HEAD);
      assert.equal(HEAD + r.rest, text.slice(0, HEAD.length + r.rest.length));
    }
  });

  void it('does not take CR LF CR LF spread over pieces with other bytes between', () => {
    assert.equal(scan(['GET / HTTP/1.1\r\nA: b\r', '\nC: d\r\n', 'x']).status, SCAN_INCOMPLETE);
    assert.equal(scan(['GET / HTTP/1.1\r\nA: b\r\n\r', 'x\n']).status, SCAN_INCOMPLETE);
    assert.equal(scan(['GET / HTTP/1.1\r\nA: b\r\n\r', '\r\n\r\n']).head, 'GET / HTTP/1.1\r\nA: b\r\n\r\r\n\r\n');
  });

  void it('refuses heads over the limit, in one piece or many', () => {
    const long = `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`;
    assert.equal(scan([long], 64).status, SCAN_TOO_LARGE);
    assert.equal(scan([...long], 64).status, SCAN_TOO_LARGE);
    assert.equal(scan([long.slice(0, 60), long.slice(60)], 64).status, SCAN_TOO_LARGE);
    assert.equal(scan([long], long.length).status, SCAN_COMPLETE);
  });

  void it('starts clean after reset', () => {
    const s = new HeadScanner(1024);
    assert.equal(s.push(Buffer.from('GET / HT'), 0), SCAN_INCOMPLETE);
    assert.equal(s.pending, 8);
    s.reset();
    assert.equal(s.pending, 0);
    assert.equal(s.push(Buffer.from(HEAD), 0), SCAN_COMPLETE);
    assert.equal(s.headEnd, HEAD.length);
  });
});
