// A custom JavaScript processor in its worker thread: the context it gets, every shape of
// result (valid and not), errors, logs, bodies crossing threads, and a thread that crashes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { call, fixture, startHost, waitFor, type RunningHost } from './instance-support.js';

void describe('custom processor: context, results and errors', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({
      processor_path: fixture('inspect.mjs'),
      model_path: pathToFileURL(fixture('model dir/weights.json')).href,
      model_entry: 'weights.json',
      model_config: { threshold: 0.5 },
    });
  });
  after(() => h.stop());

  async function failureOf(path: string): Promise<{ code: string; message: string }> {
    const r = await call(h.port, { path, body: 'x' });
    assert.equal(r.status, 500, `${path}: ${r.text}`);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    return r.json() as { code: string; message: string };
  }

  void it('passes the instance context and the request to process()', async () => {
    const r = await call(h.port, { path: '/ctx?a=1&b=two', body: 'x', headers: { 'x-trace': 't1', 'content-type': 'text/csv' } });
    assert.equal(r.status, 200);
    const ctx = r.json() as Record<string, unknown> & { request: Record<string, unknown> & { headers: Record<string, string> } };
    assert.equal(ctx.service, 'svc');
    assert.equal(ctx.instance, 'svc-v1-test');
    assert.equal(ctx.version, 1);
    assert.equal(ctx.dir, h.dir);
    assert.equal(ctx.modelPath, fixture('model dir/weights.json'), 'file:// stripped and decoded');
    assert.equal(ctx.modelEntry, 'weights.json');
    assert.deepEqual(ctx.config, { threshold: 0.5 });
    assert.equal(ctx.bodyIsBuffer, true);
    assert.equal(ctx.request.method, 'POST');
    assert.equal(ctx.request.path, '/ctx');
    assert.equal(ctx.request.query, 'a=1&b=two');
    assert.equal(ctx.request.headers['x-trace'], 't1');
    assert.equal(ctx.request.headers['content-type'], 'text/csv');
  });

  void it('sends status and headers, with its own content-length', async () => {
    const r = await call(h.port, { path: '/custom' });
    assert.equal(r.status, 201);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-score'], '0.9');
    assert.equal(r.headers['content-length'], String(r.body.length));
    assert.deepEqual(r.json(), { made: true });
  });

  void it('defaults the content-type by body kind', async () => {
    const text = await call(h.port, { path: '/string' });
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(text.text, 'héllo');
    assert.equal(text.headers['content-length'], '6');
    const bytes = await call(h.port, { path: '/bytes' });
    assert.equal(bytes.headers['content-type'], 'application/octet-stream');
    assert.deepEqual([...bytes.body], [1, 2, 3]);
  });

  void it('sends 204 without a body', async () => {
    const r = await call(h.port, { path: '/no-content' });
    assert.equal(r.status, 204);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['content-length'], undefined);
  });

  void it('answers 500 naming what is wrong with a malformed result', async () => {
    const cases: [string, RegExp][] = [
      ['/bad-body', /body must be a Buffer, Uint8Array or string, got number/],
      ['/bad-status', /status must be an integer from 200 to 599, got 99/],
      ['/float-status', /status must be an integer from 200 to 599, got 200\.5/],
      ['/bad-header', /headers\["x-n"\] must be a string, got number/],
      ['/crlf-header', /headers\["x-a"\] holds a control character/],
      ['/bad-header-name', /header name "bad name" is not a valid HTTP token/],
      ['/not-object', /expected an object \{ body, status\?, headers\? \}, got number/],
      ['/null', /got null/],
      ['/getter-throws', /reading it threw: no body for you/],
    ];
    for (const [path, message] of cases) {
      const body = await failureOf(path);
      assert.equal(body.code, 'EASEL_PROCESSOR_FAILED', path);
      assert.match(body.message, /invalid processor result/, path);
      assert.match(body.message, message, path);
    }
  });

  void it('answers 500 EASEL_PROCESSOR_FAILED with the message of a throw or rejection, stack only in the log', async () => {
    const thrown = await failureOf('/throw-string');
    assert.equal(thrown.message, 'the processor failed: a plain string');
    const rejected = await failureOf('/reject');
    assert.equal(rejected.message, 'the processor failed: rejected on purpose');
    assert.doesNotMatch(rejected.message, /at .*inspect\.mjs/);
    const logged = h.lines.find((l) => l.msg === 'processor failed' && l.err === 'rejected on purpose');
    assert.match(String(logged?.stack), /inspect\.mjs/);
    assert.equal(h.host.stats().failed >= 2, true);
  });

  void it('logs an unhandled rejection in the processor and keeps serving', async () => {
    const r = await call(h.port, { path: '/unhandled' });
    assert.equal(r.status, 200);
    await waitFor('the rejection in the log', () => (h.lines.some((l) => /unhandled promise rejection in the processor: nobody catches this/.test(l.msg)) ? true : undefined));
    assert.equal(h.host.stats().processorRestarts, 0);
  });

  void it('writes ctx.logger lines into the instance log', async () => {
    assert.equal((await call(h.port, { path: '/log' })).text, 'logged');
    const warn = await waitFor('the warning', () => h.lines.find((l) => l.msg === 'a warning from the processor'));
    assert.equal(warn.level, 40);
    assert.equal(warn.answer, 42);
    assert.equal(warn.source, 'processor');
    assert.ok(h.lines.some((l) => l.msg === 'with a function field'), 'fields that cannot cross threads do not lose the line');
    assert.ok(h.lines.some((l) => l.msg === 'inspect initialized' && l.source === 'processor'));
  });

  void it('moves bodies between threads intact: many small ones at once, and a large one', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => `request-${i}-${'x'.repeat(i * 7)}`);
    const replies = await Promise.all(bodies.map((b) => call(h.port, { path: '/echo', body: b })));
    replies.forEach((r, i) => assert.equal(r.text, bodies[i]));
    const large = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < large.length; i += 4096) large[i] = i & 0xff;
    const r = await call(h.port, { path: '/echo', body: large });
    assert.ok(r.body.equals(large));
  });

  void it('answers 404 from the processor as the processor said', async () => {
    const r = await call(h.port, { path: '/nowhere' });
    assert.equal(r.status, 404);
    assert.equal(r.text, 'no route /nowhere');
  });
});

void describe('custom processor: a thread that crashes or exits is replaced', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor_path: fixture('inspect.mjs') });
  });
  after(() => h.stop());

  void it('fails the request in a crashed thread with 500 and serves the next one from a fresh thread', async () => {
    const crashed = await call(h.port, { path: '/crash' });
    assert.equal(crashed.status, 500);
    assert.match((crashed.json() as { message: string }).message, /restarted.*thrown from a timer/);
    assert.equal(h.host.stats().processorRestarts, 1);
    const after = await call(h.port, { path: '/ctx' });
    assert.equal(after.status, 200);
    assert.equal((after.json() as { initialized: number }).initialized, 1, 'the module was loaded afresh');
  });

  void it('does the same when the processor calls process.exit()', async () => {
    const exited = await call(h.port, { path: '/exit' });
    assert.equal(exited.status, 500);
    assert.match((exited.json() as { message: string }).message, /exited with code 7/);
    assert.equal(h.host.stats().processorRestarts, 2);
    assert.equal((await call(h.port, { path: '/string' })).status, 200);
    assert.equal((await call(h.port, { method: 'GET', path: '/__easel/ready' })).status, 200);
  });
});

void describe('custom processor: throws on every request', () => {
  void it('answers each with 500 and stays ready', async () => {
    const h = await startHost({ processor_path: fixture('throws.mjs') });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await call(h.port, { body: 'x' });
        assert.equal(r.status, 500);
        assert.deepEqual(r.json(), { code: 'EASEL_PROCESSOR_FAILED', message: 'the processor failed: scoring exploded' });
      }
      assert.equal(h.host.stats().failed, 3);
      assert.equal((await call(h.port, { method: 'GET', path: '/__easel/ready' })).status, 200);
    } finally {
      await h.stop();
    }
  });
});

void describe('custom processor: leaks memory', () => {
  void it('keeps serving while its memory grows (the runtime enforces the limit)', async () => {
    const h = await startHost({ processor_path: fixture('leaks.mjs') });
    try {
      const before = process.memoryUsage().rss;
      let last;
      for (let i = 0; i < 3; i++) last = await call(h.port, { body: 'x' });
      assert.deepEqual(last?.json(), { retainedMb: 60 });
      assert.ok(process.memoryUsage().rss > before + 40 * 1024 * 1024, 'the process grew');
    } finally {
      await h.stop();
    }
  });
});

void describe('custom processor: close()', () => {
  void it('is called when the instance shuts down', async () => {
    const h = await startHost({ processor_path: fixture('closes.mjs') });
    try {
      assert.equal((await call(h.port, { body: '' })).text, 'open');
      await h.host.close(5000);
      assert.equal(await readFile(join(h.dir, 'closed'), 'utf8'), 'yes');
    } finally {
      await h.stop();
    }
  });

  void it('cannot hold the shutdown past the grace period', async () => {
    const h = await startHost({ processor_path: fixture('closes.mjs'), model_config: { hangOnClose: true } });
    try {
      await h.host.close(300);
      assert.ok(h.lines.some((l) => l.msg === 'processor close() did not finish within the grace period'));
    } finally {
      await h.stop();
    }
  });
});
