// Re-adoption: a later runtime (a restarted control plane) takes over running instances.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import type { ProcessRecord } from '../src/runtime/index.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { collect, containerSpec, groupAlive, httpRequest, launchRequest, nodeFixture, observed, RuntimeHarness, until, waitFor, waitForPhase } from './runtime-local-harness.js';

let h: RuntimeHarness;

before(async () => {
  h = await RuntimeHarness.create();
});
after(() => h.cleanup());

const httpSpec = (name: string): Record<string, unknown> => containerSpec(name, { command: nodeFixture('http-server.mjs') }, { health_check: { type: 'http', path: '/health', period_seconds: 0.5 } });

void test('close without stopping leaves the instance running for a second runtime to adopt', async () => {
  const first = h.runtime();
  const req = launchRequest(httpSpec('kept'));
  const record = await first.launch(req);
  await waitForPhase(first, req.instance, 'ready');
  await first.close({ stopInstances: false });
  assert.equal(groupAlive(record.pid), true);
  assert.equal((await httpRequest(record.port, '/health')).status, 200);

  const second = h.runtime();
  assert.equal(await second.adopt(req, record), true);
  const adopted = observed(second, req.instance);
  assert.equal(adopted.adopted, true);
  assert.equal(adopted.phase, 'starting');
  assert.equal(adopted.pid, record.pid);
  assert.equal(adopted.startTime, record.startTime);
  await waitForPhase(second, req.instance, 'ready');
  await waitFor(second, req.instance, 'to be sampled', (o) => o.rssBytes !== null && o.cpuPercent !== null);
  assert.ok((await collect(second.logs(req.instance, {}))).includes(`listening on ${record.port}`));

  await second.stop(req.instance, 5000);
  const o = observed(second, req.instance);
  assert.equal(o.phase, 'exited');
  assert.equal(o.lastState?.Reason, 'Killed');
  assert.equal(o.lastState?.Message, 'stopped (SIGTERM)');
  assert.equal(groupAlive(record.pid), false);
  assert.ok((await collect(second.logs(req.instance, { tail: 1 }))).includes('got SIGTERM, shutting down'));
});

void test('an instance survives a control plane killed with SIGKILL and is adopted', async () => {
  const req = launchRequest(httpSpec('survivor'));
  // A control plane of its own: a node process that launches and prints the record.
  const script = `
    import { createLocalRuntime } from ${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'src', 'runtime', 'index.js'))};
    const rt = createLocalRuntime({ dir: ${JSON.stringify(join(h.dir, 'instances'))} });
    const record = await rt.launch(${JSON.stringify(req)});
    console.log(JSON.stringify(record));
    setInterval(() => {}, 60_000);
  `;
  const cp = spawn(process.execPath, ['--input-type=module', '-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  assert.ok(cp.pid);
  h.track(cp.pid);
  const lines = createInterface({ input: cp.stdout });
  const record = await new Promise<ProcessRecord>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as ProcessRecord));
    cp.once('exit', (code) => reject(new Error(`the control plane exited with ${code}`)));
  });
  lines.close();
  h.track(record.pid);
  const exited = new Promise((resolve) => cp.once('exit', resolve));
  process.kill(-cp.pid, 'SIGKILL');
  await exited;
  await until('the instance to serve', async () => ((await httpRequest(record.port, '/health').catch(() => null))?.status === 200 ? true : undefined));
  assert.equal(groupAlive(record.pid), true, 'the instance outlived its control plane');

  const rt = h.runtime();
  assert.equal(await rt.adopt(req, record), true);
  await waitForPhase(rt, req.instance, 'ready');
  await rt.stop(req.instance, 5000);
  assert.equal(groupAlive(record.pid), false);
});

void test('an adopted process that dies is noticed: Lost, with its last lines', async () => {
  const first = h.runtime();
  const req = launchRequest(httpSpec('lost'));
  const record = await first.launch(req);
  await waitForPhase(first, req.instance, 'ready');
  await first.close({ stopInstances: false });
  const rt = h.runtime();
  assert.equal(await rt.adopt(req, record), true);
  await waitForPhase(rt, req.instance, 'ready');
  process.kill(-record.pid, 'SIGKILL');
  const o = await waitForPhase(rt, req.instance, 'exited');
  assert.equal(o.lastState?.Reason, 'Lost');
  assert.equal(o.lastState?.ExitCode, null);
  assert.equal(o.lastState?.Message, 'the adopted process ended; its exit status is unknown');
  assert.deepEqual(o.lastLogLines, [`listening on ${record.port}`]);
});

void test('adopt refuses a process that is gone or is not the one recorded', async () => {
  const first = h.runtime();
  const req = launchRequest(httpSpec('imposter'));
  const record = await first.launch(req);
  await first.close({ stopInstances: false });
  const rt = h.runtime();
  assert.equal(await rt.adopt(req, { ...record, startTicks: record.startTicks + 1 }), false, 'pid reused by another process');
  assert.equal(await rt.adopt(req, { ...record, pid: 2 ** 22 + 7 }), false, 'no such process');
  // A live process with the right start time that does not lead its own group is not ours.
  const shell = spawn('/bin/sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(shell.pid);
  h.track(shell.pid);
  try {
    const sleeper = Number(await new Promise<string>((resolve) => createInterface({ input: shell.stdout }).once('line', resolve)));
    const text = await readFile(`/proc/${sleeper}/stat`, 'utf8');
    const startTicks = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
    assert.equal(await rt.adopt(req, { ...record, pid: sleeper, startTicks }), false, 'not a group leader');
  } finally {
    process.kill(-shell.pid, 'SIGKILL');
  }
  assert.equal(rt.observe().length, 0);
  await assert.rejects(rt.adopt(req, { ...record, instance: 'other' }), /cannot be adopted as/);
  assert.equal(await rt.adopt(req, record), true);
  await rt.stop(req.instance, 5000);
});
