import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort } from '../../shared/free-port.js';
import { probe, probeAll } from './probe.js';

let server: Server;
let port: number;
const never = new AbortController().signal;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    const status = Number(req.url?.slice(1));
    res.writeHead(status, status === 302 ? { location: '/' } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const http = (path: string, accept: 'exact200' | 'success' = 'success') => ({ type: 'http' as const, port, path, accept });

void test('http: 2xx and 3xx pass a health check; the instance host endpoints need 200', async () => {
  assert.equal(await probe(http('/200'), 1000, never), null);
  assert.equal(await probe(http('/302'), 1000, never), null);
  assert.equal(await probe(http('/204', 'exact200'), 1000, never), 'GET /204: 204');
  assert.equal(await probe(http('/500'), 1000, never), 'GET /500: 500');
});

void test('http: connection refused and timeouts are named', async () => {
  const closed = await freePort();
  assert.equal(await probe({ type: 'http', port: closed, path: '/x', accept: 'success' }, 1000, never), 'GET /x: connect ECONNREFUSED');
  assert.equal(await probe(http('/hang'), 150, never), 'GET /hang: timed out');
});

void test('tcp: a listener passes; refused, timed out and aborted probes fail', async () => {
  assert.equal(await probe({ type: 'tcp', port }, 1000, never), null);
  const closed = await freePort();
  assert.equal(await probe({ type: 'tcp', port: closed }, 1000, never), `tcp ${closed}: connect ECONNREFUSED`);
  const aborted = new AbortController();
  aborted.abort();
  assert.equal(await probe({ type: 'tcp', port }, 1000, aborted.signal), `tcp ${port}: aborted`);
});

void test('an abort ends an http probe in flight', async () => {
  const abort = new AbortController();
  const pending = probe(http('/hang'), 60_000, abort.signal);
  setTimeout(() => abort.abort(), 50);
  assert.equal(await pending, 'GET /hang: aborted');
});

void test('probeAll passes only when every target passes, and names the first that fails', async () => {
  assert.equal(await probeAll([http('/200'), { type: 'tcp', port }], 1000, never), null);
  assert.equal(await probeAll([http('/503', 'exact200'), http('/500')], 1000, never), 'GET /503: 503');
  assert.equal(await probeAll([http('/200'), http('/500')], 1000, never), 'GET /500: 500');
});
