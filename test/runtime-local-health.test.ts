// The local runtime watching its instances: readiness, liveness, the memory limit, CPU and RSS.
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Runtime } from '../src/runtime/index.js';
import { containerSpec, fixture, groupAlive, httpRequest, launchRequest, nodeFixture, observed, processorFixture, RuntimeHarness, waitFor, waitForPhase } from './runtime-local-harness.js';

let h: RuntimeHarness;
let rt: Runtime;

before(async () => {
  h = await RuntimeHarness.create();
  rt = h.runtime();
});
after(() => h.cleanup());

void test('readiness flips ready → unready → ready with the health check', async () => {
  const req = launchRequest(
    containerSpec('flip', { command: nodeFixture('http-server.mjs') }, { health_check: { type: 'http', path: '/health', period_seconds: 0.2, failure_threshold: 2 } }),
  );
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  const phases: string[] = [];
  rt.onChange((i) => {
    if (i === req.instance) phases.push(observed(rt, i).phase);
  });
  await httpRequest(record.port, '/health/fail', 'POST');
  const unready = await waitForPhase(rt, req.instance, 'unready');
  assert.equal(unready.probeError, 'GET /health: 500');
  await httpRequest(record.port, '/health/recover', 'POST');
  const ready = await waitForPhase(rt, req.instance, 'ready');
  assert.equal(ready.probeError, null);
  assert.deepEqual(phases, ['unready', 'ready']);
  assert.equal(ready.pid, record.pid, 'an unready instance is not restarted by the runtime');
  await rt.stop(req.instance, 5000);
});

void test('a container whose health check keeps failing after ready is killed: LivenessProbeFailed', async () => {
  const failFile = join(h.dir, 'fail-now');
  const req = launchRequest(
    containerSpec(
      'sick',
      { command: nodeFixture('http-server.mjs'), env: [{ name: 'HEALTH_FAIL_FILE', value: failFile }] },
      { health_check: { type: 'http', path: '/health', period_seconds: 0.1, failure_threshold: 1 } },
    ),
  );
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  await writeFile(failFile, '');
  try {
    const o = await waitForPhase(rt, req.instance, 'exited');
    assert.equal(o.lastState?.Reason, 'LivenessProbeFailed');
    assert.equal(o.lastState?.Signal, 'SIGKILL');
    assert.equal(o.lastState?.Message, 'health check failed 3 times in a row after the instance was ready: GET /health: 500');
    assert.equal(groupAlive(record.pid), false);
  } finally {
    await rm(failFile, { force: true });
  }
});

void test('a processor service whose /__easel/live fails is killed: LivenessProbeFailed', async () => {
  // The real instance host: a processor thread stuck in a loop stops answering its heartbeat,
  // and after 10 s the host's liveness endpoint says so. The long keepalive keeps the host from
  // recycling the thread first.
  const req = launchRequest({
    name: 'hung',
    processor_path: processorFixture('hangs-sync.mjs'),
    health_check: { type: 'tcp', period_seconds: 0.2, failure_threshold: 2 },
    metadata: { termination_grace_period: 1, rpc: { keepalive: 120_000 } },
  });
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  const hang = httpRequest(record.port, '/', 'POST', 'hang').catch((err: unknown) => ({ status: 0, body: String(err) }));
  const o = await waitForPhase(rt, req.instance, 'exited', 30_000);
  assert.equal(o.lastState?.Reason, 'LivenessProbeFailed');
  assert.equal(o.lastState?.Message, 'liveness probe failed 2 times in a row: GET /__easel/live: 500');
  assert.equal((await hang).status, 0, 'the hung request ends with the connection, unanswered');
});

void test('a processor service is ready only once /__easel/ready answers 200', async () => {
  const req = launchRequest({ name: 'loading', processor_path: processorFixture('slow-init.mjs'), model_config: { delayMs: 1500 }, metadata: { termination_grace_period: 1 } });
  await rt.launch(req);
  const loading = await waitFor(rt, req.instance, 'to report a probe error', (o) => o.probeError === 'GET /__easel/ready: 503');
  assert.equal(loading.phase, 'starting');
  const ready = await waitForPhase(rt, req.instance, 'ready');
  assert.equal(ready.probeError, null);
  await rt.stop(req.instance, 2000);
  assert.equal(observed(rt, req.instance).lastState?.Signal, null, 'the host drains and exits by itself on SIGTERM');
  assert.equal(observed(rt, req.instance).lastState?.ExitCode, 0);
});

void test('an instance over metadata.memory is killed: OOMKilled with the figures', async () => {
  const req = launchRequest(containerSpec('leaky', { command: nodeFixture('leak.mjs') }, { metadata: { memory: 150 } }));
  const record = await rt.launch(req);
  const o = await waitForPhase(rt, req.instance, 'exited', 30_000);
  assert.equal(o.lastState?.Reason, 'OOMKilled');
  assert.equal(o.lastState?.Signal, 'SIGKILL');
  const m = /^killed: RSS (\d+) MB exceeded metadata\.memory 150 MB$/.exec(o.lastState?.Message ?? '');
  assert.ok(m, o.lastState?.Message);
  assert.ok(Number(m[1]) > 150);
  assert.ok(o.lastLogLines.some((l) => /^rss \d+ MB$/.test(l)));
  assert.equal(groupAlive(record.pid), false);
});

void test('CPU and RSS are sampled per process group', async () => {
  const req = launchRequest(containerSpec('busy', { script: `${process.execPath} ${fixture('busy.mjs')}; echo never` }));
  await rt.launch(req);
  const o = await waitFor(rt, req.instance, 'to have CPU and RSS figures', (x) => x.cpuPercent !== null && x.rssBytes !== null);
  assert.ok((o.rssBytes ?? 0) > 10 * 1024 * 1024, `rss ${o.rssBytes}`);
  // One busy core, on a shared machine: clearly above idle, at most what two cores give.
  const busy = await waitFor(rt, req.instance, 'to be seen busy', (x) => (x.cpuPercent ?? 0) > 20);
  assert.ok((busy.cpuPercent ?? 0) <= 250, `cpu ${busy.cpuPercent}`);
  await rt.stop(req.instance, 2000);
  const ended = observed(rt, req.instance);
  assert.equal(ended.cpuPercent, null);
  assert.equal(ended.rssBytes, null);
});
