import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RawClient, echoHandler, get, json, post, rawRequest, route, startGateway, startUpstream, table, until, type TestGateway, type Upstream } from './gateway-support.js';

void describe('gateway limits', () => {
  let up: Upstream;
  let gw: TestGateway;
  /** Requests the instance holds without answering, by url. */
  const held = new Map<string, ServerResponse>();
  const aborted: string[] = [];

  void before(async () => {
    up = await startUpstream((req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      req.on('close', () => {
        if (!res.writableFinished) aborted.push(url);
      });
      if (url.startsWith('/hold')) {
        req.resume();
        held.set(url, res);
      } else if (url === '/slow-body') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('head-start;');
        setTimeout(() => res.end('finished late'), 600);
      } else {
        echoHandler(req, res);
      }
    });
    gw = await startGateway(
      { maxBodyBytes: 1000, headTimeoutMs: 300, idleTimeoutMs: 400 },
      table(
        1,
        route('svc', [up.instance()]),
        route('tight', [up.instance()], { keepaliveMs: 200 }),
        route('rated', [up.instance()], { rateLimit: 1 }),
        route('narrow', [up.instance()], { concurrencyLimit: 1 }),
        route('patient', [up.instance()], { keepaliveMs: 10_000 }),
      ),
    );
  });
  void after(async () => {
    for (const res of held.values()) res.destroy();
    await gw.close();
    await up.close();
  });

  void it('answers 413 EASEL_BODY_TOO_LARGE from Content-Length before the body, then closes', async () => {
    const before = up.requests.length;
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc HTTP/1.1\r\nHost: g\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n');
    const r = await c.response();
    assert.equal(r.status, 413);
    assert.equal(json(r).code, 'EASEL_BODY_TOO_LARGE');
    assert.deepEqual(r.interim, []);
    await c.closedByPeer();
    assert.equal(up.requests.length, before);
    assert.equal((await rawRequest(gw.port, post('/api/predict/svc', 'x'.repeat(1000)))).status, 200);
  });

  void it('answers 413 for a chunked body as soon as it passes the limit, and cancels the upstream request', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc/hold-chunked HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n');
    c.send(`1f4\r\n${'a'.repeat(500)}\r\n`);
    await until(() => held.has('/hold-chunked'), 'request at the instance');
    c.send(`1f5\r\n${'b'.repeat(501)}\r\n`);
    const r = await c.response();
    assert.equal(r.status, 413);
    assert.equal(json(r).code, 'EASEL_BODY_TOO_LARGE');
    await c.closedByPeer();
    await until(() => aborted.includes('/hold-chunked'), 'the instance to see the request cancelled');
  });

  void it('answers 408 EASEL_DEADLINE_EXCEEDED after route.keepaliveMs, cancels upstream, keeps the client', async () => {
    const c = await RawClient.open(gw.port);
    c.send(post('/api/predict/tight/hold-deadline', '{}'));
    const r = await c.response();
    assert.equal(r.status, 408);
    assert.equal(json(r).code, 'EASEL_DEADLINE_EXCEEDED');
    assert.match(String(json(r).message), /200 ms/);
    await until(() => aborted.includes('/hold-deadline'), 'the instance to see the request cancelled');
    c.send(post('/api/predict/tight/after', 'ok'));
    assert.equal(json(await c.response()).url, '/after');
    c.destroy();
  });

  void it('does not cut a response that started before the deadline', async () => {
    const r = await rawRequest(gw.port, get('/api/predict/tight/slow-body'));
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'head-start;finished late');
  });

  void it('answers 429 EASEL_RATE_LIMITED over route.rateLimit', async () => {
    // Five at once against one request per second: one passes, the others are limited.
    const all = await Promise.all(Array.from({ length: 5 }, () => rawRequest(gw.port, post('/api/predict/rated', '{}'))));
    const statuses = all.map((r) => r.status);
    assert.ok(statuses.includes(200) && statuses.includes(429), `statuses ${statuses.join(',')}`);
    const limited = all.find((r) => r.status === 429)!;
    assert.equal(json(limited).code, 'EASEL_RATE_LIMITED');
    assert.match(String(json(limited).message), /rate limit of 1 /);
  });

  void it('answers 429 EASEL_CONCURRENCY_LIMITED over route.concurrencyLimit', async () => {
    const first = await RawClient.open(gw.port);
    first.send(post('/api/predict/narrow/hold-narrow', '{}'));
    await until(() => held.has('/hold-narrow'), 'first request at the instance');
    const second = await rawRequest(gw.port, post('/api/predict/narrow', '{}'));
    assert.equal(second.status, 429);
    assert.equal(json(second).code, 'EASEL_CONCURRENCY_LIMITED');
    held.get('/hold-narrow')!.end('done');
    assert.equal((await first.response()).body.toString(), 'done');
    first.destroy();
    assert.equal((await rawRequest(gw.port, post('/api/predict/narrow', '{}'))).status, 200);
  });

  void it('answers 408 EASEL_REQUEST_TIMEOUT to a head that does not complete in time, and closes', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/svc HTTP/1.1\r\nHost: g\r\n');
    const r = await c.response();
    assert.equal(r.status, 408);
    assert.equal(json(r).code, 'EASEL_REQUEST_TIMEOUT');
    await c.closedByPeer();
    const silent = await RawClient.open(gw.port);
    assert.equal((await silent.response()).status, 408);
    await silent.closedByPeer();
  });

  void it('answers 408 EASEL_REQUEST_TIMEOUT to a body that stalls, and cancels upstream', async () => {
    const c = await RawClient.open(gw.port);
    c.send('POST /api/predict/patient/hold-stall HTTP/1.1\r\nHost: g\r\nContent-Length: 10\r\n\r\nabc');
    const r = await c.response();
    assert.equal(r.status, 408);
    assert.equal(json(r).code, 'EASEL_REQUEST_TIMEOUT');
    await c.closedByPeer();
    await until(() => aborted.includes('/hold-stall'), 'the instance to see the request cancelled');
  });

  void it('closes idle keep-alive connections silently', async () => {
    const c = await RawClient.open(gw.port);
    c.send(get('/api/predict/svc/x'));
    assert.equal((await c.response()).status, 200);
    await c.closedByPeer();
    assert.equal(c.leftover, '');
  });
});
