import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchModel, localModelPath } from './model-source.js';

const MODEL = Buffer.from('{"learner": "not really, but bytes are bytes"}\n');
let hits = 0;

const server: Server = createServer((req, res) => {
  hits++;
  switch (req.url) {
    case '/m/model.json':
      res.writeHead(200, { 'content-length': MODEL.byteLength });
      res.end(MODEL);
      return;
    case '/moved':
      res.writeHead(302, { location: '/m/model.json' });
      res.end();
      return;
    case '/big':
      res.writeHead(200, { 'content-length': 10_000 });
      res.end(Buffer.alloc(10_000));
      return;
    case '/truncated':
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case '/slow':
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10));
      return; // never finishes: the timeout must end it
    default:
      res.writeHead(404);
      res.end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const home = await mkdtemp(join(tmpdir(), 'easel-models-'));

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(home, { recursive: true, force: true });
});

test('an http model is downloaded once, stored by content hash, and reused', async () => {
  hits = 0;
  const modelsDir = join(home, 'a');
  const file = await fetchModel(`${base}/m/model.json`, { modelsDir });
  assert.match(file, /sha256\/[0-9a-f]{64}\/model\.json$/);
  assert.deepEqual(await readFile(file), MODEL);
  const again = await fetchModel(`${base}/m/model.json`, { modelsDir });
  assert.equal(again, file);
  assert.equal(hits, 1);
  assert.deepEqual(await readdir(join(modelsDir, 'tmp')), [], 'no temporary file is left behind');
});

test('redirects are followed', async () => {
  const file = await fetchModel(`${base}/moved`, { modelsDir: join(home, 'b') });
  assert.deepEqual(await readFile(file), MODEL);
});

test('failures name the URL and the problem, and leave nothing behind', async () => {
  const modelsDir = join(home, 'c');
  await assert.rejects(fetchModel(`${base}/missing`, { modelsDir }), /model_path http:\/\/127\.0\.0\.1:\d+\/missing: the server answered HTTP 404/);
  await assert.rejects(fetchModel(`${base}/big`, { modelsDir, maxBytes: 1000 }), /10000 bytes, over the 1000-byte limit/);
  await assert.rejects(fetchModel(`${base}/truncated`, { modelsDir }), /broke off|truncated/);
  await assert.rejects(fetchModel(`${base}/slow`, { modelsDir, timeoutMs: 300 }), /did not finish within 300 ms/);
  await assert.rejects(fetchModel('http://127.0.0.1:1/x', { modelsDir }), /cannot download/);
  assert.deepEqual(await readdir(join(modelsDir, 'tmp')), []);
});

test('local paths and file:// URLs need no download', async () => {
  assert.equal(await localModelPath('/models/a.json', { modelsDir: home }), '/models/a.json');
  assert.equal(await localModelPath('file:///models/b%20c.json', { modelsDir: home }), '/models/b c.json');
});
