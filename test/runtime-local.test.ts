// The local runtime with real child processes: launch, readiness, exit, stop, relaunch.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Runtime } from '../src/runtime/index.js';
import { freePort } from '../src/shared/free-port.js';
import {
  collect,
  FIXTURES,
  containerSpec,
  fixture,
  groupAlive,
  httpRequest,
  launchRequest,
  nodeFixture,
  observed,
  RuntimeHarness,
  waitFor,
  waitForPhase,
} from './runtime-local-harness.js';

let h: RuntimeHarness;
let rt: Runtime;
const changes: string[] = [];

before(async () => {
  h = await RuntimeHarness.create();
  rt = h.runtime();
  rt.onChange((instance) => changes.push(`${instance}:${observed(rt, instance).phase}`));
});
after(() => h.cleanup());

void test('an http health check on $PORT makes a container ready', async () => {
  const req = launchRequest(containerSpec('web', { command: nodeFixture('http-server.mjs') }, { health_check: { type: 'http', path: '/health', period_seconds: 1 } }));
  const record = await rt.launch(req);
  assert.equal(record.instance, req.instance);
  assert.ok(record.pid > 1 && record.port > 0 && record.startTicks > 0);
  assert.ok(!Number.isNaN(Date.parse(record.startTime)));

  const o = await waitForPhase(rt, req.instance, 'ready');
  assert.equal(o.pid, record.pid);
  assert.equal(o.port, record.port);
  assert.equal(o.service, 'web');
  assert.equal(o.probeError, null);
  assert.equal(o.adopted, false);
  // Its own process group, its own session: not reachable by a Ctrl-C on our terminal.
  const procStat = await readFile(`/proc/${record.pid}/stat`, 'utf8');
  const fields = procStat.slice(procStat.lastIndexOf(')') + 2).split(' ');
  assert.equal(Number(fields[2]), record.pid, 'pgrp');
  assert.equal(Number(fields[3]), record.pid, 'session');
  const folder = join(h.dir, 'instances', req.instance);
  const hello = await httpRequest(record.port, '/');
  assert.equal(hello.body, `hello from ${req.instance} (cwd ${folder})\n`);
  assert.ok(changes.includes(`${req.instance}:starting`) && changes.includes(`${req.instance}:ready`));
  await rt.stop(req.instance, 5000);
});

void test('without a health_check, a tcp connect makes a shell-script container ready', async () => {
  const req = launchRequest(containerSpec('tcp', { script: `echo "shell $PORT" && ${process.execPath} ${fixture('http-server.mjs')}`, env: [{ name: 'GREETING', value: 'hi' }] }));
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  await rt.stop(req.instance, 5000);
  const log = await collect(rt.logs(req.instance, {}));
  assert.equal(log[0], `shell ${record.port}`);
  assert.ok(log.includes(`listening on ${record.port}`));
});

void test('a fixed containers[0].port is used and passed as $PORT; working_dir is the cwd', async () => {
  const port = await freePort();
  const req = launchRequest(containerSpec('fixed', { command: nodeFixture('http-server.mjs'), port, working_dir: FIXTURES }));
  const record = await rt.launch(req);
  assert.equal(record.port, port);
  await waitForPhase(rt, req.instance, 'ready');
  assert.equal((await httpRequest(port, '/')).body, `hello from ${req.instance} (cwd ${FIXTURES})\n`);
  await rt.stop(req.instance, 5000);
});

void test('a slow start stays starting with the probe error, then becomes ready', async () => {
  const req = launchRequest(containerSpec('slow', { command: nodeFixture('slow-start.mjs') }, { health_check: { type: 'http', path: '/health', timeout_seconds: 1 } }));
  await rt.launch(req);
  const starting = await waitFor(rt, req.instance, 'to report a probe error', (o) => o.probeError !== null);
  assert.equal(starting.phase, 'starting');
  assert.equal(starting.probeError, 'GET /health: connect ECONNREFUSED');
  const ready = await waitForPhase(rt, req.instance, 'ready');
  assert.equal(ready.probeError, null);
  assert.ok(ready.phaseSince >= starting.phaseSince);
  await rt.stop(req.instance, 5000);
});

void test('a crash is an exit with its code and its last output lines', async () => {
  const req = launchRequest(containerSpec('crash', { command: nodeFixture('crash.mjs') }));
  const record = await rt.launch(req);
  const o = await waitForPhase(rt, req.instance, 'exited');
  assert.equal(o.lastState?.ExitCode, 3);
  assert.equal(o.lastState?.Signal, null);
  assert.equal(o.lastState?.Reason, 'Error');
  assert.equal(o.lastState?.Message, 'exited with code 3');
  assert.ok(!Number.isNaN(Date.parse(o.lastState?.FinishedAt ?? '')));
  assert.deepEqual(o.lastLogLines, ['crash line 1', 'crash line 2', 'crash line 3', 'crash line 4', 'crash line 5']);
  assert.equal(o.probeError, null);
  assert.equal(groupAlive(record.pid), false);
  assert.ok(changes.includes(`${req.instance}:exited`));
  // Stopping what has ended resolves at once and changes nothing.
  await rt.stop(req.instance, 60_000);
  assert.deepEqual(observed(rt, req.instance).lastState, o.lastState);
});

void test('a relaunch reuses the folder and appends to the same log', async () => {
  const req = launchRequest(containerSpec('again', { command: nodeFixture('crash.mjs') }));
  const first = await rt.launch(req);
  const firstEnd = await waitForPhase(rt, req.instance, 'exited');
  const second = await rt.launch(req);
  assert.notEqual(second.pid, first.pid);
  const relaunched = observed(rt, req.instance);
  assert.equal(relaunched.pid, second.pid);
  assert.deepEqual(relaunched.lastState, firstEnd.lastState, 'the previous end stays visible while the new process runs');
  await waitFor(rt, req.instance, 'to exit again', (o) => o.phase === 'exited' && o.lastState?.FinishedAt !== firstEnd.lastState?.FinishedAt);
  const log = await collect(rt.logs(req.instance, {}));
  assert.equal(log.length, 11);
  assert.deepEqual(log.slice(0, 5), log.slice(6));
  assert.match(log[5] ?? '', /^--- easel: instance restarted at \d{4}-\d\d-\d\dT[\d:.]+Z ---$/);
});

void test('stop: SIGTERM to the group, honoured within the grace period', async () => {
  const req = launchRequest(containerSpec('graceful', { command: nodeFixture('http-server.mjs') }));
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  const phases: string[] = [];
  rt.onChange((i) => {
    if (i === req.instance) phases.push(observed(rt, i).phase);
  });
  await rt.stop(req.instance, 10_000);
  const o = observed(rt, req.instance);
  assert.deepEqual(phases, ['stopping', 'exited']);
  assert.equal(o.lastState?.Reason, 'Completed');
  assert.equal(o.lastState?.ExitCode, 0);
  assert.equal(o.lastState?.Message, 'stopped: exited with code 0');
  assert.ok(o.lastLogLines.includes('got SIGTERM, shutting down'));
  assert.equal(groupAlive(record.pid), false);
});

void test('stop: SIGKILL once the grace period is over when SIGTERM is ignored', async () => {
  const req = launchRequest(containerSpec('stubborn', { command: nodeFixture('ignore-sigterm.mjs') }));
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  await rt.stop(req.instance, 500);
  const o = observed(rt, req.instance);
  assert.equal(o.phase, 'exited');
  assert.equal(o.lastState?.Signal, 'SIGKILL');
  assert.equal(o.lastState?.Reason, 'Killed');
  assert.equal(o.lastState?.Message, 'stopped: still running after the 500 ms grace period, so killed');
  assert.ok(o.lastLogLines.includes('ignoring SIGTERM'));
  assert.equal(groupAlive(record.pid), false);
});

void test('a graceful stop lets a shell’s children finish; leftovers of a crash are killed', async () => {
  // The shell leads the group; the server is its child and gets the group's SIGTERM too.
  const req = launchRequest(containerSpec('tree', { script: `${process.execPath} ${fixture('http-server.mjs')}; echo "server done"` }));
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  await rt.stop(req.instance, 10_000);
  assert.equal(groupAlive(record.pid), false);
  assert.ok(observed(rt, req.instance).lastLogLines.includes('got SIGTERM, shutting down'));

  const orphan = launchRequest(containerSpec('orphan', { script: 'sleep 300 & echo started; exit 4' }));
  const crashed = await rt.launch(orphan);
  const o = await waitForPhase(rt, orphan.instance, 'exited');
  assert.equal(o.lastState?.ExitCode, 4);
  assert.equal(groupAlive(crashed.pid), false, 'the background sleep was killed with the group');
});

void test('a processor service runs the instance host with instance.json and its probes', async () => {
  const req = launchRequest({ name: 'echo_proc', processor: 'echo', metadata: { termination_grace_period: 2 } });
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  const folder = join(h.dir, 'instances', req.instance);
  const config: unknown = JSON.parse(await readFile(join(folder, 'instance.json'), 'utf8'));
  assert.deepEqual(config, { service: 'echo_proc', instance: req.instance, version: 1, host: '127.0.0.1', port: record.port, dir: folder, modelsDir: join(h.dir, 'models'), spec: req.spec });
  const echoed = await httpRequest(record.port, '/', 'POST', 'ping');
  assert.deepEqual(echoed, { status: 200, body: 'ping' });
  const lines = await collect(rt.logs(req.instance, {}));
  assert.ok(lines.some((l) => l.includes(req.instance)), 'the host logs with its instance name');
  await rt.stop(req.instance, 5000);
  assert.equal(observed(rt, req.instance).lastState?.ExitCode, 0);
});

void test('a program that cannot start rejects the launch and shows as exited', async () => {
  const req = launchRequest(containerSpec('missing', { command: ['/nonexistent/program', '--flag'] }));
  const before = changes.length;
  await assert.rejects(rt.launch(req), /could not start \/nonexistent\/program: spawn \/nonexistent\/program ENOENT/);
  const o = observed(rt, req.instance);
  assert.equal(o.phase, 'exited');
  assert.equal(o.lastState?.Reason, 'Error');
  assert.match(o.lastState?.Message ?? '', /ENOENT/);
  assert.match(o.lastLogLines.at(-1) ?? '', /^--- easel: could not start/);
  assert.equal(changes.length, before, 'the rejection reports it; no phase changed');
});

void test('misuse is refused: double launch, unknown names, names that are paths', async () => {
  const req = launchRequest(containerSpec('twice', { command: nodeFixture('ignore-sigterm.mjs') }));
  await rt.launch(req);
  await assert.rejects(rt.launch(req), /already running/);
  await rt.stop(req.instance, 0);
  await rt.stop('nobody', 10); // nothing to stop: done
  assert.throws(() => rt.logs('nobody', {}), /unknown instance "nobody"/);
  await assert.rejects(rt.launch({ ...req, instance: '../escape' }), /invalid instance name/);
  await assert.rejects(rt.forget('../../etc', { purgeFiles: true }), /invalid instance name/);
});

void test('forget drops an instance, kills it if still running, and purges its files', async () => {
  const req = launchRequest(containerSpec('gone', { command: nodeFixture('ignore-sigterm.mjs') }));
  const record = await rt.launch(req);
  await waitForPhase(rt, req.instance, 'ready');
  await rt.forget(req.instance, { purgeFiles: true });
  assert.equal(groupAlive(record.pid), false);
  assert.equal(rt.observe().find((o) => o.instance === req.instance), undefined);
  await assert.rejects(stat(join(h.dir, 'instances', req.instance)), { code: 'ENOENT' });
  assert.throws(() => rt.logs(req.instance, {}), /unknown instance/);
});

void test('close({stopInstances: true}) stops every instance and leaves no process behind', async () => {
  const closing = h.runtime();
  const reqs = [
    launchRequest(containerSpec('close_a', { command: nodeFixture('http-server.mjs') })),
    launchRequest(containerSpec('close_b', { script: `sleep 300 & ${process.execPath} ${fixture('ignore-sigterm.mjs')}` }, { metadata: { termination_grace_period: 0.5 } })),
  ];
  const records = await Promise.all(reqs.map((r) => closing.launch(r)));
  await Promise.all(reqs.map((r) => waitForPhase(closing, r.instance, 'ready')));
  await closing.close({ stopInstances: true });
  for (const r of records) assert.equal(groupAlive(r.pid), false, `group ${r.pid} still alive`);
  assert.deepEqual(
    reqs.map((r) => [observed(closing, r.instance).phase, observed(closing, r.instance).lastState?.Reason]),
    [
      ['exited', 'Completed'],
      ['exited', 'Killed'],
    ],
  );
  await assert.rejects(closing.launch(reqs[0] ?? launchRequest({})), /closed/);
});
