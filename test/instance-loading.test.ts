// Finding and loading a custom processor module in all the shapes a user may give it, and the
// errors when it cannot be loaded or initialized.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { call, fixture, getJson, startHost } from './instance-support.js';

async function answerOf(spec: Record<string, unknown>, body = 'x'): Promise<string> {
  const h = await startHost(spec);
  try {
    const r = await call(h.port, { body });
    assert.equal(r.status, 200, r.text);
    return r.text;
  } finally {
    await h.stop();
  }
}

void describe('loading a custom processor', () => {
  void it('loads a CommonJS module', async () => {
    assert.equal(await answerOf({ processor_path: fixture('commonjs.cjs') }, 'hi'), 'cjs:hi');
  });

  void it('loads a folder through package.json "main"', async () => {
    assert.equal(await answerOf({ processor_path: fixture('pkg-main') }), 'from package main');
  });

  void it('prefers processor_entry over package.json "main"', async () => {
    assert.equal(await answerOf({ processor_path: fixture('pkg-main'), processor_entry: 'alt.mjs' }), 'from processor_entry');
  });

  void it('falls back to index.mjs in a folder', async () => {
    assert.equal(await answerOf({ processor_path: fixture('index-dir') }), 'from index.mjs');
  });

  void it('accepts a file:// URL and processor_type "js"', async () => {
    assert.equal(await answerOf({ processor_path: pathToFileURL(fixture('commonjs.cjs')).href, processor_type: 'js' }, 'u'), 'cjs:u');
  });

  void it('calls the methods of a default-exported object with `this` bound', async () => {
    assert.equal(await answerOf({ processor_path: fixture('default-export.mjs') }, '21'), '42');
  });
});

void describe('a processor that cannot start', () => {
  async function startFailure(spec: Record<string, unknown>): Promise<{ error: Error; fatal: Error[]; ready: Record<string, unknown>; request: number }> {
    const fatal: Error[] = [];
    const h = await startHost(spec, { onFatal: (e) => fatal.push(e) }, false);
    try {
      const error = await h.host.ready().then(
        () => assert.fail('ready() resolved'),
        (e: Error) => e,
      );
      const ready = await getJson(h.port, '/__easel/ready');
      assert.equal(ready.status, 503);
      assert.equal(h.host.stats().state, 'failed');
      const request = (await call(h.port, { body: 'x' })).status;
      return { error, fatal, ready: ready.body, request };
    } finally {
      await h.stop();
    }
  }

  void it('reports initialize() throwing', async () => {
    const r = await startFailure({ processor_path: fixture('bad-init.mjs') });
    assert.equal(r.error.message, 'processor initialize failed: model file is corrupt');
    assert.deepEqual(r.fatal.map((e) => e.message), [r.error.message]);
    assert.equal(r.ready.code, 'EASEL_PROCESSOR_NOT_READY');
    assert.match(String(r.ready.message), /model file is corrupt/);
    assert.equal(r.request, 503);
  });

  void it('reports a module without process()', async () => {
    const r = await startFailure({ processor_path: fixture('no-process.mjs') });
    assert.match(r.error.message, /^cannot load processor .*no-process\.mjs: it must export a process\(body, ctx\) function/);
  });

  void it('reports a syntax error with its class', async () => {
    const r = await startFailure({ processor_path: fixture('syntax-error.mjs') });
    assert.match(r.error.message, /^cannot load processor .*syntax-error\.mjs: SyntaxError: /);
  });

  void it('reports a missing path', async () => {
    const r = await startFailure({ processor_path: fixture('does-not-exist.mjs') });
    assert.equal(r.error.message, `cannot load processor ${fixture('does-not-exist.mjs')}: no such file or directory`);
  });

  void it('reports a file that is not a JavaScript module', async () => {
    const r = await startFailure({ processor_path: fixture('pkg-main/package.json') });
    assert.match(r.error.message, /not a \.js, \.mjs or \.cjs file/);
  });

  void it('reports a folder without a module', async () => {
    const r = await startFailure({ processor_path: fixture('pkg-main/lib'), processor_entry: 'missing.mjs' });
    assert.match(r.error.message, /processor_entry "missing\.mjs" is not a file in the folder/);
  });

  void it('reports a model file that is not there, naming it', async () => {
    const r = await startFailure({ processor: 'xgboost', model_path: '/models/m.json' });
    assert.equal(r.error.message, 'processor initialize failed: model file /models/m.json: no such file');
  });
});
