import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientPath, rewriteHeadInPlace } from './forward-head.js';
import { TargetMatch, matchTarget } from './predict-path.js';
import { RequestHead, parseRequestHead } from './request-head.js';

/** Rewrites `text` (a head plus whatever follows) and returns what would be forwarded. */
function rewrite(text: string, prefix = ''): string {
  const buf = Buffer.from(prefix + text, 'latin1');
  const end = buf.indexOf('\r\n\r\n', prefix.length) + 4;
  const head = new RequestHead();
  assert.equal(parseRequestHead(buf, prefix.length, end, head), null);
  const m = new TargetMatch();
  matchTarget(buf, head.targetStart, head.targetEnd, m);
  const start = rewriteHeadInPlace(head, m.tailStart, head.expectContinue);
  return buf.toString('latin1', start);
}

void describe('rewriteHeadInPlace', () => {
  void it('strips the predict prefix and keeps the body right after the head', () => {
    assert.equal(rewrite('POST /api/predict/svc/a/b?x=1 HTTP/1.1\r\nHost: g\r\nContent-Length: 2\r\n\r\nhi'), 'POST /a/b?x=1 HTTP/1.1\r\nHost: g\r\nContent-Length: 2\r\n\r\nhi');
  });

  void it('puts "/" in front of an empty rest or a bare query', () => {
    assert.equal(rewrite('GET /api/predict/svc HTTP/1.1\r\nHost: g\r\n\r\n'), 'GET / HTTP/1.1\r\nHost: g\r\n\r\n');
    assert.equal(rewrite('GET /api/predict/s?q=1 HTTP/1.0\r\n\r\n'), 'GET /?q=1 HTTP/1.0\r\n\r\n');
  });

  void it('cuts Authorization wherever it is', () => {
    assert.equal(rewrite('POST /api/predict/svc HTTP/1.1\r\nAuthorization: EAS abc=\r\nHost: g\r\n\r\n'), 'POST / HTTP/1.1\r\nHost: g\r\n\r\n');
    assert.equal(rewrite('POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nauthorization: t\r\n\r\nbody'), 'POST / HTTP/1.1\r\nHost: g\r\n\r\nbody');
  });

  void it('cuts Expect: 100-continue and Authorization together, in either order', () => {
    const want = 'POST /x HTTP/1.1\r\nHost: g\r\nContent-Length: 1\r\nX: y\r\n\r\nz';
    assert.equal(rewrite('POST /api/predict/svc/x HTTP/1.1\r\nHost: g\r\nExpect: 100-continue\r\nContent-Length: 1\r\nAuthorization: t\r\nX: y\r\n\r\nz'), want);
    assert.equal(rewrite('POST /api/predict/svc/x HTTP/1.1\r\nHost: g\r\nAuthorization: t\r\nContent-Length: 1\r\nExpect: 100-continue\r\nX: y\r\n\r\nz'), want);
  });

  void it('works when the head does not start at offset 0 (pipelined requests)', () => {
    assert.equal(rewrite('GET /api/predict/svc/p HTTP/1.1\r\nHost: g\r\nAuthorization: t\r\n\r\n', 'previous bytes'), 'GET /p HTTP/1.1\r\nHost: g\r\n\r\n');
  });
});

void describe('clientPath', () => {
  void it('gives the client path without query, before and after the rewrite', () => {
    const text = 'POST /api/predict/svc/a/b?token=x HTTP/1.1\r\nHost: g\r\n\r\n';
    const buf = Buffer.from(text, 'latin1');
    const head = new RequestHead();
    assert.equal(parseRequestHead(buf, 0, buf.length, head), null);
    assert.equal(clientPath(head, -1, 'svc'), '/api/predict/svc/a/b');
    const m = new TargetMatch();
    matchTarget(buf, head.targetStart, head.targetEnd, m);
    const start = rewriteHeadInPlace(head, m.tailStart, false);
    assert.equal(clientPath(head, start + 5, 'svc'), '/api/predict/svc/a/b');
  });
});
