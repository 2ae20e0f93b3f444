import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawClient, echoHandler, get, json, post, rawRequest, route, startGateway, startUpstream, table, type TestGateway, type Upstream } from './gateway-support.js';

void describe('gateway HTTP/1.1 handling', () => {
  let up: Upstream;
  let gw: TestGateway;

  void before(async () => {
    up = await startUpstream((req, res) => {
      const url = req.url ?? '/';
      if (url === '/early-hints') {
        res.writeEarlyHints({ link: '</a.css>; rel=preload' });
        res.end('after hints');
      } else if (url === '/continue') {
        res.writeContinue();
        req.resume();
        req.on('end', () => res.end('continued'));
      } else if (url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part one, ');
        setTimeout(() => res.end('part two'), 10);
      } else if (url === '/close-delimited') {
        // No Content-Length, no chunking: the body ends when the instance closes.
        res.socket?.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
        res.socket?.end();
      } else if (url === '/conn-close') {
        res.writeHead(200, { connection: 'close', 'content-length': 2 });
        res.end('bye');
      } else if (url === '/bad-head') {
        res.socket?.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok');
      } else if (url === '/huge-head') {
        res.socket?.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
      } else if (url === '/bad-chunk') {
        res.socket?.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n');
      } else if (url === '/bad-chunk-late') {
        res.socket?.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
        setTimeout(() => res.socket?.write('zz\r\n'), 30);
      } else if (url === '/early') {
        // Answers without waiting for the request body.
        res.end('early');
      } else if (url === '/204') {
        res.writeHead(204);
        res.end();
      } else if (url === '/304') {
        res.writeHead(304, { etag: '"x"' });
        res.end();
      } else if (url === '/head') {
        res.writeHead(200, { 'content-length': 11, 'x-kind': 'head' });
        res.end(req.method === 'HEAD' ? undefined : 'hello world');
      } else {
        echoHandler(req, res);
      }
    });
    gw = await startGateway({}, table(1, route('svc', [up.instance()])));
  });
  void after(async () => {
    await gw.close();
    await up.close();
  });

  void describe('rejects malformed requests with 400 EASEL_BAD_HTTP and closes', () => {
    const bad: [string, string, RegExp][] = [
      ['malformed request line', 'GARBAGE\r\n\r\n', /malformed request line|method/],
      ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', /request target/],
      ['unsupported version', 'GET /api/predict/svc HTTP/1.2\r\nHost: g\r\n\r\n', /unsupported HTTP version/],
      ['header name not a token', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nBad{Name}: 1\r\n\r\n', /header name/],
      ['NUL in a value', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nX: a\x00b\r\n\r\n', /header value/],
      ['bare CR in a value', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nX: a\rb\r\n\r\n', /bare CR/],
      ['bare LF line ending', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\nX: 1\r\n\r\n', /bare LF/],
      ['obs-fold', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nX: 1\r\n\t2\r\n\r\n', /line folding/],
      ['space before colon', 'GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nContent-Length : 3\r\n\r\nabc', /before the colon/],
      ['non-digit Content-Length', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nContent-Length: +3\r\n\r\nabc', /invalid Content-Length/],
      ['conflicting Content-Length', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', /duplicate Content-Length/],
      ['Transfer-Encoding not chunked', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', /Transfer-Encoding/],
      ['Transfer-Encoding with a space trick', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n', /Transfer-Encoding/],
      ['CL and TE together', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /both Content-Length and Transfer-Encoding/],
      ['bad chunk size', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', /bad chunk size/],
      ['chunk longer than its size', 'POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n', /longer than its size/],
      ['missing Host', 'GET /api/predict/svc HTTP/1.1\r\n\r\n', /missing Host/],
    ];
    for (const [name, request, reason] of bad) {
      void it(name, async () => {
        const c = await RawClient.open(gw.port);
        c.send(request);
        const r = await c.response();
        assert.equal(r.status, 400);
        assert.equal(json(r).code, 'EASEL_BAD_HTTP');
        assert.match(String(json(r).message), reason);
        assert.equal(r.headers.connection, 'close');
        await c.closedByPeer();
      });
    }
  });

  void it('answers 431 EASEL_HEADERS_TOO_LARGE for a head over 64 KiB and closes', async () => {
    const c = await RawClient.open(gw.port);
    c.send(`GET /api/predict/svc HTTP/1.1\r\nHost: g\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    const r = await c.response();
    assert.equal(r.status, 431);
    assert.equal(json(r).code, 'EASEL_HEADERS_TOO_LARGE');
    await c.closedByPeer();
  });

  void it('parses a request the same whatever way it is split', async () => {
    const request = Buffer.from(
      'POST /api/predict/svc/split?x=1 HTTP/1.1\r\nHost: gw\r\nAuthorization: none\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n' +
        '4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: t\r\n\r\n',
      'latin1',
    );
    const splits: number[][] = [[request.length], [1], [2, 3, 5, 7, 11], [40, 1, 1, 60], [13]];
    let seed = 99;
    for (let i = 0; i < 5; i++) {
      const sizes: number[] = [];
      for (let j = 0; j < 20; j++) {
        seed = (seed * 48271) % 2147483647;
        sizes.push(1 + (seed % 17));
      }
      splits.push(sizes);
    }
    for (const sizes of splits) {
      const c = await RawClient.open(gw.port);
      await c.sendInPieces(request, sizes, 0);
      const r = await c.response();
      assert.equal(r.status, 200, `split ${sizes.join(',')}`);
      const seen = json(r);
      assert.equal(seen.url, '/split?x=1');
      assert.equal(seen.body, 'wikipedia');
      assert.equal((seen.headers as Record<string, string>)['x-a'], 'b');
      assert.equal((seen.headers as Record<string, string>).authorization, undefined);
      c.destroy();
    }
  });

  void it('answers pipelined requests in order, errors included', async () => {
    const c = await RawClient.open(gw.port);
    c.send(post('/api/predict/svc/1', 'one') + get('/api/predict/missing') + post('/api/predict/svc/3', 'three') + get('/healthz') + get('/api/predict/svc/5'));
    const urls: (string | number)[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await c.response();
      urls.push(r.status === 200 && r.headers['content-type'] === 'application/json' && json(r).url !== undefined ? String(json(r).url) : r.status);
    }
    assert.deepEqual(urls, ['/1', 404, '/3', 200, '/5']);
    c.destroy();
  });

  void it('serves HTTP/1.0 clients: closes by default, keeps alive when asked', async () => {
    const c = await RawClient.open(gw.port);
    c.send('GET /api/predict/svc/old HTTP/1.0\r\n\r\n');
    const r = await c.response();
    assert.equal(r.status, 200);
    assert.equal(json(r).url, '/old');
    await c.closedByPeer();

    const k = await RawClient.open(gw.port);
    k.send('GET /api/predict/svc/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    assert.equal(json(await k.response()).url, '/a');
    k.send('GET /api/predict/nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const err = await k.response();
    assert.equal(err.status, 404);
    assert.equal(err.headers.connection, 'keep-alive');
    k.send('GET /api/predict/svc/b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    assert.equal(json(await k.response()).url, '/b');
    k.destroy();
  });

  void it('forwards 1xx interim responses from the instance', async () => {
    const r = await rawRequest(gw.port, get('/api/predict/svc/early-hints'));
    assert.deepEqual(r.interim, [103]);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'after hints');
  });

  void it('answers Expect: 100-continue itself once admitted, and does not forward Expect', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc/x HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    // Only the interim response may come before the body is sent.
    const deadline = Date.now() + 5_000;
    while (!c.leftover.includes('100 Continue') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    assert.match(c.leftover, /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    c.send('hello');
    const r = await c.response();
    assert.equal(r.status, 200);
    assert.equal(json(r).body, 'hello');
    assert.equal((json(r).headers as Record<string, string>).expect, undefined);
    c.destroy();
  });

  void it('answers HEAD without a body, and 204/304 without one either', async () => {
    const c = await RawClient.open(gw.port);
    c.send('HEAD /api/predict/svc/head HTTP/1.1\r\nHost: gw\r\n\r\n');
    const h = await c.response({ headRequest: true });
    assert.equal(h.status, 200);
    assert.equal(h.headers['content-length'], '11');
    assert.equal(h.headers['x-kind'], 'head');
    c.send(get('/api/predict/svc/204'));
    assert.equal((await c.response()).status, 204);
    c.send(get('/api/predict/svc/304'));
    assert.equal((await c.response()).status, 304);
    c.send(get('/api/predict/svc/after'));
    assert.equal(json(await c.response()).url, '/after');
    assert.equal(c.leftover, '');
    c.destroy();
  });

  void it('forwards chunked requests and chunked responses as they are', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc/echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
    await new Promise((res) => setTimeout(res, 20));
    c.send('2\r\nde\r\n0\r\n\r\n');
    const r = await c.response();
    assert.equal(json(r).body, 'abcde');
    assert.equal((json(r).headers as Record<string, string>)['transfer-encoding'], 'chunked');
    c.send(get('/api/predict/svc/chunked'));
    const chunked = await c.response();
    assert.equal(chunked.headers['transfer-encoding'], 'chunked');
    assert.equal(chunked.body.toString(), 'part one, part two');
    c.destroy();
  });

  void it('ends a close-delimited response by closing the client connection', async () => {
    const c = await RawClient.open(gw.port);
    c.send(get('/api/predict/svc/close-delimited'));
    const r = await c.response();
    assert.equal(r.body.toString(), 'until close');
    await c.closedByPeer();
  });

  void it('closes the client connection when the instance answers Connection: close', async () => {
    const c = await RawClient.open(gw.port);
    c.send(get('/api/predict/svc/conn-close'));
    const r = await c.response();
    assert.equal(r.headers.connection, 'close');
    await c.closedByPeer();
  });

  void it('closes after the response when the client sent Connection: close', async () => {
    const c = await RawClient.open(gw.port);
    c.send(get('/api/predict/svc/bye', { Connection: 'close' }));
    const r = await c.response();
    assert.equal(json(r).url, '/bye');
    await c.closedByPeer();
  });

  void it('closes when the instance answers before the request body has all arrived', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc/early HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\n0123456789');
    const r = await c.response();
    assert.equal(r.body.toString(), 'early');
    await c.closedByPeer();
  });

  void it('answers 502 EASEL_UPSTREAM_FAILED to a malformed response head, and drops a malformed body', async () => {
    for (const [path, reason] of [
      ['bad-head', /conflicting Content-Length/],
      ['huge-head', /response head exceeds 65536 bytes/],
      ['bad-chunk', /malformed response body: bad chunk size/],
    ] as const) {
      const r = await rawRequest(gw.port, get(`/api/predict/svc/${path}`));
      assert.equal(r.status, 502, path);
      assert.equal(json(r).code, 'EASEL_UPSTREAM_FAILED');
      assert.match(String(json(r).message), reason);
    }
    const c = await RawClient.open(gw.port);
    c.send(get('/api/predict/svc/bad-chunk-late'));
    await c.closedByPeer();
    assert.match(c.leftover, /^HTTP\/1\.1 200 OK\r\n[\s\S]*3\r\nabc\r\n$/);
    assert.equal(json(await rawRequest(gw.port, get('/api/predict/svc/fine'))).url, '/fine');
  });

  void it('answers 501 to Upgrade requests', async () => {
    const r = await rawRequest(gw.port, get('/api/predict/svc/ws', { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }));
    assert.equal(r.status, 501);
    assert.equal(json(r).code, 'EASEL_UPGRADE_NOT_SUPPORTED');
    assert.match(String(json(r).message), /websocket/);
  });

  void it('never fails on mutated requests in random splits (fuzz)', async () => {
    const seeds = [
      'POST /api/predict/svc/a?b=c HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nAuthorization: t\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n',
      'PUT /api/predict/svc HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello',
      'GET /api/predict/svc/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.1\r\nHost: g\r\n\r\n',
    ];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = Buffer.from('\r\n :;\t\x00\x7f\xffaZ09-/?%chunked,Content-Length', 'latin1');
    for (let round = 0; round < 150; round++) {
      const bytes = [...Buffer.from(seeds[rand(seeds.length)]!, 'latin1')];
      for (let m = rand(4) + 1; m > 0; m--) {
        const at = rand(bytes.length);
        const op = rand(3);
        if (op === 0) bytes[at] = alphabet[rand(alphabet.length)]!;
        else if (op === 1) bytes.splice(at, 0, alphabet[rand(alphabet.length)]!);
        else bytes.splice(at, 1);
      }
      const c = await RawClient.open(gw.port);
      await c.sendInPieces(Buffer.from(bytes), [1 + rand(20), 1 + rand(50), 200], 0);
      // Whatever comes back (a response, a close, or nothing yet) is fine; only a crash is not.
      await c.closedByPeer(20).catch(() => undefined);
      c.destroy();
    }
    const r = await rawRequest(gw.port, get('/api/predict/svc/after-fuzz'));
    assert.equal(json(r).url, '/after-fuzz');
  });

  void it('survives garbage and abrupt disconnects and keeps serving', async () => {
    for (const junk of [Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]), Buffer.from('\r\n\r\n\r\n'), Buffer.from('GET /api/predict/svc HTTP/1.1\r\nHost')]) {
      const c = await RawClient.open(gw.port);
      c.send(junk);
      c.destroy();
    }
    const r = await rawRequest(gw.port, get('/api/predict/svc/still-up'));
    assert.equal(json(r).url, '/still-up');
  });
});
