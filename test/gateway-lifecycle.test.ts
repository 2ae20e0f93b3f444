import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { createGateway } from '../src/gateway/index.js';
import { RawClient, get, post, route, startGateway, startUpstream, table, until } from './gateway-support.js';

void describe('gateway lifecycle', () => {
  void it('refuses bad options and a second listen', async () => {
    assert.throws(() => createGateway({ port: -1 }), RangeError);
    assert.throws(() => createGateway({ maxBodyBytes: 0 }), /maxBodyBytes/);
    assert.throws(() => createGateway({ headTimeoutMs: Number.NaN }), /headTimeoutMs/);
    const gw = await startGateway();
    try {
      await assert.rejects(gw.gateway.listen(), /cannot listen/);
      const clash = createGateway({ port: gw.port });
      await assert.rejects(clash.listen(), /EADDRINUSE/);
      await clash.close(0);
    } finally {
      await gw.close();
    }
  });

  void it('close(): drops idle connections, lets requests in flight finish, refuses new ones', async () => {
    let held: ServerResponse | undefined;
    const up = await startUpstream((req, res) => {
      req.resume();
      if (req.url === '/hold') held = res;
      else res.end('quick');
    });
    const gw = await startGateway({}, table(1, route('svc', [up.instance()])));
    try {
      const idle = await RawClient.open(gw.port);
      idle.send(get('/api/predict/svc/x'));
      assert.equal((await idle.response()).body.toString(), 'quick');
      const busy = await RawClient.open(gw.port);
      busy.send(post('/api/predict/svc/hold', '{}'));
      await until(() => held !== undefined, 'the request at the instance');

      const closing = gw.gateway.close(5_000);
      await idle.closedByPeer();
      await assert.rejects(RawClient.open(gw.port), /ECONNREFUSED/);
      held!.end('finished during shutdown');
      const r = await busy.response();
      assert.equal(r.body.toString(), 'finished during shutdown');
      await busy.closedByPeer();
      await closing;
    } finally {
      await gw.close();
      await up.close();
    }
  });

  void it('close(): destroys what is still in flight once the grace period ends', async () => {
    let aborted = false;
    const up = await startUpstream((req, res) => {
      req.resume();
      res.on('close', () => {
        aborted = !res.writableFinished;
      });
    });
    const gw = await startGateway({}, table(1, route('svc', [up.instance()])));
    try {
      const c = await RawClient.open(gw.port);
      c.send(post('/api/predict/svc/stuck', '{}'));
      await until(() => up.requests.length === 1, 'the request at the instance');
      await gw.gateway.close(100);
      await c.closedByPeer();
      await until(() => aborted, 'the instance to see the request cancelled');
    } finally {
      await up.close();
    }
  });
});
