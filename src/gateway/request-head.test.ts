import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestHead, parseRequestHead } from './request-head.js';

function parse(text: string): { problem: string | null; head: RequestHead } {
  const buf = Buffer.from(text, 'latin1');
  const head = new RequestHead();
  return { problem: parseRequestHead(buf, 0, buf.length, head), head };
}

function ok(text: string): RequestHead {
  const { problem, head } = parse(text);
  assert.equal(problem, null, `expected ${JSON.stringify(text)} to parse`);
  return head;
}

function bad(text: string, reason: RegExp): void {
  const { problem } = parse(text);
  assert.ok(problem !== null, `expected ${JSON.stringify(text)} to be rejected`);
  assert.match(problem, reason);
}

void describe('parseRequestHead', () => {
  void it('reads the request line and the headers the gateway acts on', () => {
    const h = ok(
      'POST /api/predict/svc/a?x=1 HTTP/1.1\r\nHost: gw\r\nContent-Length: 12\r\nAuthorization: secret\r\n' +
        'Content-MD5: abc\r\nContent-Type: application/json\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nX-Other: y\r\n\r\n',
    );
    assert.equal(h.method(), 'POST');
    assert.equal(h.target(), '/api/predict/svc/a?x=1');
    assert.equal(h.version, 11);
    assert.equal(h.contentLength, 12);
    assert.equal(h.chunked, false);
    assert.equal(h.keepAlive, true);
    assert.equal(h.value(h.authStart, h.authEnd), 'secret');
    assert.equal(h.value(h.md5Start, h.md5End), 'abc');
    assert.equal(h.value(h.typeStart, h.typeEnd), 'application/json');
    assert.equal(h.value(h.dateStart, h.dateEnd), 'Mon, 01 Jan 2024 00:00:00 GMT');
    assert.equal(h.buf.toString('latin1', h.authLineStart, h.authLineEnd), 'Authorization: secret\r\n');
  });

  void it('matches header names case-insensitively and trims optional whitespace', () => {
    const h = ok('PUT / HTTP/1.1\r\nhOsT: gw\r\ntransfer-ENCODING: \t Chunked \t\r\nCONNECTION: Close\r\n\r\n');
    assert.equal(h.chunked, true);
    assert.equal(h.keepAlive, false);
  });

  void it('knows HEAD, Expect: 100-continue and Upgrade', () => {
    const h = ok('HEAD / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    assert.equal(h.isHeadMethod, true);
    assert.equal(h.expectContinue, true);
    assert.equal(h.hasUpgrade, true);
    assert.equal(h.buf.toString('latin1', h.expectLineStart, h.expectLineEnd), 'Expect: 100-Continue\r\n');
  });

  void it('applies HTTP/1.0 keep-alive rules and needs no Host there', () => {
    assert.equal(ok('GET / HTTP/1.0\r\n\r\n').keepAlive, false);
    assert.equal(ok('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').keepAlive, true);
    assert.equal(ok('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').version, 10);
    assert.equal(ok('GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, keep-alive\r\n\r\n').keepAlive, true);
  });

  void it('skips empty lines before the request line and reports a head of only empty lines', () => {
    const h = ok('\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'.slice(2));
    assert.equal(h.method(), 'GET');
    assert.equal(ok('\r\n\r\n').empty, true);
  });

  void it('accepts obs-text and tabs in values', () => {
    ok('GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\tau lait\r\n\r\n');
  });

  const rejected: [string, string, RegExp][] = [
    ['no method', ' / HTTP/1.1\r\nHost: a\r\n\r\n', /malformed request line/],
    ['bad method byte', 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n', /method/],
    ['two spaces', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', /malformed request line/],
    ['absolute target', 'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n', /must start with/],
    ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n', /must start with/],
    ['control byte in target', 'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', /request target/],
    ['non-ASCII target', 'GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n', /request target/],
    ['HTTP/2', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', /unsupported HTTP version HTTP\/2\.0/],
    ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: a\r\n\r\n', /unsupported HTTP version/],
    ['garbage version', 'GET / HTTX/1.1\r\nHost: a\r\n\r\n', /malformed request line/],
    ['no version', 'GET /\r\nHost: a\r\n\r\n', /request target|malformed/],
    ['trailing junk after version', 'GET / HTTP/1.1 x\r\nHost: a\r\n\r\n', /malformed request line/],
    ['bare LF after request line', 'GET / HTTP/1.1\nHost: a\r\n\r\n', /malformed request line/],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n', /obsolete line folding/],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', /whitespace before the colon/],
    ['tab before colon', 'GET / HTTP/1.1\r\nHost\t: a\r\n\r\n', /whitespace before the colon/],
    ['non-token name', 'GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n', /header name/],
    ['empty name', 'GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n', /empty header name|malformed header/],
    ['no colon', 'GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n', /header name|malformed/],
    ['NUL in value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n', /header value/],
    ['bare CR in value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n', /bare CR/],
    ['bare LF in value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n', /bare LF/],
    ['DEL in value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n', /header value/],
    ['non-digit Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n', /invalid Content-Length/],
    ['negative Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length/],
    ['list Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n', /invalid Content-Length/],
    ['huge Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n', /invalid Content-Length/],
    ['empty Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n', /invalid Content-Length/],
    ['duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n', /duplicate Content-Length/],
    ['conflicting Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', /duplicate Content-Length/],
    ['gzip coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', /Transfer-Encoding/],
    ['chunked twice in one', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n', /Transfer-Encoding/],
    ['identity', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n', /Transfer-Encoding/],
    ['duplicate Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', /duplicate Transfer-Encoding/],
    ['CL and TE', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', /both Content-Length and Transfer-Encoding/],
    ['TE and CL', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n', /both Content-Length and Transfer-Encoding/],
    ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', /HTTP\/1\.0/],
    ['missing Host', 'GET / HTTP/1.1\r\nX: 1\r\n\r\n', /missing Host/],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', /more than one Host/],
    ['two Authorizations', 'GET / HTTP/1.1\r\nHost: a\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n', /duplicate Authorization/],
  ];
  for (const [name, text, reason] of rejected) {
    void it(`rejects: ${name}`, () => bad(text, reason));
  }

  void it('never throws on arbitrary bytes', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = 'GET POST / HTTP/1.1\r\n:Host a\t\x00\x7f\xff;,Content-Length Transfer-Encoding chunked 0123456789';
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const len = rand() % 120;
      for (let j = 0; j < len; j++) s += alphabet[rand() % alphabet.length];
      const buf = Buffer.from(`${s}\r\n\r\n`, 'latin1');
      parseRequestHead(buf, 0, buf.length, new RequestHead());
    }
  });
});
