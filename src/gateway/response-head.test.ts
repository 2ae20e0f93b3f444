import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BODY_CHUNKED, BODY_CLOSE, BODY_LENGTH, BODY_NONE, ResponseHead, parseResponseHead, responseBodyKind } from './response-head.js';

function parse(text: string): { problem: string | null; head: ResponseHead } {
  const buf = Buffer.from(text, 'latin1');
  const head = new ResponseHead();
  return { problem: parseResponseHead(buf, 0, buf.length, head), head };
}

function ok(text: string): ResponseHead {
  const r = parse(text);
  assert.equal(r.problem, null);
  return r.head;
}

void describe('parseResponseHead', () => {
  void it('reads status, version, length and keep-alive', () => {
    const h = ok('HTTP/1.1 201 Created\r\nContent-Length: 12\r\nKeep-Alive: timeout=5\r\n\r\n');
    assert.equal(h.status, 201);
    assert.equal(h.version, 11);
    assert.equal(h.contentLength, 12);
    assert.equal(h.keepAlive, true);
    assert.equal(h.keepAliveTimeoutMs, 5000);
    assert.equal(responseBodyKind(h, false), BODY_LENGTH);
  });

  void it('reads the Keep-Alive timeout wherever it is in the value', () => {
    assert.equal(ok('HTTP/1.1 200 OK\r\nKeep-Alive: max=100, Timeout=7\r\n\r\n').keepAliveTimeoutMs, 7000);
    assert.equal(ok('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=65, max=1000\r\n\r\n').keepAliveTimeoutMs, 65_000);
    assert.equal(ok('HTTP/1.1 200 OK\r\nKeep-Alive: max=100\r\n\r\n').keepAliveTimeoutMs, -1);
    assert.equal(ok('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=x\r\n\r\n').keepAliveTimeoutMs, -1);
  });

  void it('accepts a status line without a reason phrase', () => {
    assert.equal(ok('HTTP/1.1 204\r\n\r\n').status, 204);
    assert.equal(ok('HTTP/1.1 200 \r\n\r\n').status, 200);
  });

  void it('decides framing as RFC 9112 §6.3 says', () => {
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), false), BODY_CHUNKED);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n'), false), BODY_CHUNKED);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'), false), BODY_CLOSE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'), false), BODY_CHUNKED);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\n\r\n'), false), BODY_CLOSE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), false), BODY_NONE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'), true), BODY_NONE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 204 No Content\r\n\r\n'), false), BODY_NONE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'), false), BODY_NONE);
    assert.equal(responseBodyKind(ok('HTTP/1.1 100 Continue\r\n\r\n'), false), BODY_NONE);
  });

  void it('applies HTTP/1.0 and Connection rules to keep-alive', () => {
    assert.equal(ok('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n').keepAlive, false);
    assert.equal(ok('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n').keepAlive, true);
    assert.equal(ok('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n').keepAlive, false);
    assert.equal(ok('HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\n\r\n').keepAlive, false);
  });

  void it('accepts identical duplicate Content-Length', () => {
    assert.equal(ok('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n').contentLength, 3);
  });

  for (const [name, text] of [
    ['garbage', 'HTTX/1.1 200 OK\r\n\r\n'],
    ['HTTP/2', 'HTTP/2.0 200 OK\r\n\r\n'],
    ['short status', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['status 099', 'HTTP/1.1 099 X\r\n\r\n'],
    ['bad length', 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'],
    ['conflicting length', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n'],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n'],
    ['space before colon', 'HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\n'],
    ['bare LF', 'HTTP/1.1 200 OK\r\nA: b\nC: d\r\n\r\n'],
  ] as const) {
    void it(`rejects: ${name}`, () => assert.notEqual(parse(text).problem, null));
  }
});
