// Hung processors: a synchronous endless loop gets its thread replaced once a request passes its
// deadline; an asynchronous hang only costs 408s; liveness reports a thread that stops answering.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, fixture, getJson, startHost, waitFor } from './instance-support.js';

// Shortened from 1 s / 10 s / 1 s so that the tests take seconds.
const processorTiming = { heartbeatIntervalMs: 100, livenessTimeoutMs: 800, hangGraceMs: 300 };

void describe('a processor stuck in a synchronous loop', () => {
  void it('gets 408, then its thread is replaced; a request arriving meanwhile waits and is served', async () => {
    const h = await startHost({ processor_path: fixture('hangs-sync.mjs'), metadata: { rpc: { keepalive: 2000, worker_threads: 2 } } }, { processorTiming });
    try {
      assert.equal((await call(h.port, { body: 'before' })).text, 'ok before');
      const hung = await call(h.port, { body: 'hang' });
      assert.equal(hung.status, 408);
      assert.equal((hung.json() as { code: string }).code, 'EASEL_DEADLINE_EXCEEDED');

      // The thread is still spinning here: this one must wait for the replacement.
      const meanwhile = await call(h.port, { body: 'meanwhile' });
      assert.equal(meanwhile.status, 200, meanwhile.text);
      assert.equal(meanwhile.text, 'ok meanwhile');
      assert.equal(h.host.stats().processorRestarts, 1);
      assert.ok(h.lines.some((l) => l.msg === 'restarting the processor thread' && /heartbeat/.test(String(l.reason))));
      assert.equal((await call(h.port, { body: 'after' })).text, 'ok after');
      assert.equal((await getJson(h.port, '/__easel/live')).status, 200);
      assert.equal((await getJson(h.port, '/__easel/ready')).status, 200);
    } finally {
      await h.stop();
    }
  });

  void it('turns /__easel/live to 500 while the thread answers no heartbeat', async () => {
    const h = await startHost({ processor_path: fixture('hangs-sync.mjs'), metadata: { rpc: { keepalive: 60_000 } } }, { processorTiming });
    try {
      const abort = new AbortController();
      const hung = call(h.port, { body: 'hang', signal: abort.signal }).catch(() => undefined);
      const live = await waitFor('liveness to fail', async () => {
        const r = await getJson(h.port, '/__easel/live');
        return r.status === 500 ? r.body : undefined;
      });
      assert.equal(live.code, 'EASEL_PROCESSOR_HUNG');
      abort.abort();
      await hung;
      await h.host.close(100);
    } finally {
      await h.stop();
    }
  });

  void it('makes the instance fail for good when the replacement cannot initialize', async () => {
    const fatal: Error[] = [];
    const h = await startHost({ processor_path: fixture('bad-reinit.mjs'), metadata: { rpc: { keepalive: 500 } } }, { processorTiming, onFatal: (e) => fatal.push(e) });
    try {
      assert.equal((await call(h.port, { body: 'hang' })).status, 408);
      await waitFor('the fatal failure', () => fatal[0]);
      assert.equal(fatal[0]?.message, 'processor initialize failed: cannot initialize twice');
      const ready = await getJson(h.port, '/__easel/ready');
      assert.equal(ready.status, 503);
      assert.match(String(ready.body.message), /cannot initialize twice/);
      assert.equal((await call(h.port, { body: 'x' })).status, 503);
      assert.equal(h.host.stats().state, 'failed');
    } finally {
      await h.stop();
    }
  });
});

void describe('a processor whose promise never settles', () => {
  void it('gets 408s while the thread stays and serves other requests', async () => {
    const h = await startHost({ processor_path: fixture('hangs-async.mjs'), metadata: { rpc: { keepalive: 400, worker_threads: 1 } } }, { processorTiming });
    try {
      const hung = await call(h.port, { body: 'hang' });
      assert.equal(hung.status, 408);
      assert.equal((await call(h.port, { body: 'next' })).text, 'ok next');
      // Longer than the hang grace: a replacement would have happened by now.
      await sleep(processorTiming.hangGraceMs * 2);
      assert.equal(h.host.stats().processorRestarts, 0);
      assert.equal((await getJson(h.port, '/__easel/live')).status, 200);
    } finally {
      await h.stop();
    }
  });
});
