import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, backoffMs, plan, type Action, type DesiredService, type ObservedInstance } from './plan.js';

function desired(over: Partial<DesiredService> = {}): DesiredService {
  return {
    name: 'svc',
    desiredState: 'running',
    version: 1,
    replicas: 2,
    maxSurge: 1,
    maxUnavailable: 0,
    status: 'Creating',
    reason: '',
    everRunning: false,
    ...over,
  };
}

let seq = 0;
function inst(over: Partial<ObservedInstance> = {}): ObservedInstance {
  seq++;
  return {
    name: `svc-i${seq}`,
    service: 'svc',
    version: 1,
    phase: 'ready',
    draining: false,
    serving: true,
    phaseSince: 0,
    consecutiveFailures: 0,
    restartCount: 0,
    exitedAt: null,
    lastState: null,
    lastLogLines: [],
    probeError: null,
    busy: false,
    everServed: true,
    ...over,
  };
}

const of = <T extends Action['type']>(actions: Action[], type: T): Extract<Action, { type: T }>[] =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);

test('a new service gets its instances created and is Creating', () => {
  const { actions } = plan([desired()], [], 0);
  assert.equal(of(actions, 'create').length, 2);
  assert.deepEqual(of(actions, 'status').map((a) => a.status), ['Creating']);
});

test('a service whose instances all serve is Running and nothing else happens', () => {
  const { actions } = plan([desired({ status: 'Creating' })], [inst(), inst()], 0);
  assert.deepEqual(actions, [{ type: 'status', service: 'svc', status: 'Running', reason: '' }]);
});

test('an instance that is ready but not yet known to the gateways does not count as running', () => {
  const { actions } = plan([desired({ replicas: 1 })], [inst({ serving: false })], 0);
  assert.equal(of(actions, 'status')[0]?.status, 'Creating');
});

/**
 * Drives plan() step by step through a tiny world where created instances become ready and
 * serving one step later and drained ones disappear one step later; returns what it saw.
 */
function simulate(d: DesiredService, start: ObservedInstance[], steps = 30): { world: ObservedInstance[]; minServing: number; maxProcesses: number } {
  let world = start;
  let minServing = Infinity;
  let maxProcesses = 0;
  for (let step = 0; step < steps; step++) {
    world = world.filter((o) => !o.draining).map((o) => (o.phase === 'pending' ? { ...o, phase: 'ready', serving: true, everServed: true } : o));
    const { actions } = plan([d], world, step * 1000);
    for (const a of actions) {
      if (a.type === 'create') world.push(inst({ version: a.version, phase: 'pending', serving: false, everServed: false, phaseSince: step * 1000 }));
      if (a.type === 'drain') world = world.map((o) => (o.name === a.instance ? { ...o, draining: true, serving: false } : o));
      if (a.type === 'status') d = { ...d, status: a.status, reason: a.reason };
    }
    minServing = Math.min(minServing, world.filter((o) => o.serving).length);
    maxProcesses = Math.max(maxProcesses, world.length);
    if (actions.length === 0) break;
  }
  return { world, minServing, maxProcesses };
}

test('a rolling update never serves fewer than the replicas and ends on the new version', () => {
  const start = [inst({ version: 1 }), inst({ version: 1 }), inst({ version: 1 })];
  const { world, minServing, maxProcesses } = simulate(desired({ version: 2, replicas: 3, status: 'Running', everRunning: true }), start);
  assert.equal(minServing, 3);
  assert.ok(maxProcesses <= 4, `surge 1 allows at most 4 processes, saw ${maxProcesses}`);
  assert.deepEqual(world.map((o) => o.version), [2, 2, 2]);
});

test('max_unavailable lets the update drain old instances before new ones serve', () => {
  const start = [inst(), inst(), inst(), inst()];
  const { world, minServing } = simulate(desired({ version: 2, replicas: 4, maxSurge: 0, maxUnavailable: 2, status: 'Running', everRunning: true }), start);
  assert.equal(minServing, 2);
  assert.deepEqual(world.map((o) => o.version), [2, 2, 2, 2]);
});

test('with max_surge 0 (a fixed port) a new instance starts only after the old process is gone', () => {
  const { world, maxProcesses } = simulate(desired({ version: 2, replicas: 1, maxSurge: 0, maxUnavailable: 1, status: 'Running', everRunning: true }), [inst()]);
  assert.equal(maxProcesses, 1);
  assert.deepEqual(world.map((o) => o.version), [2]);
});

test('an exited instance restarts only after its back-off', () => {
  const crashed = inst({ phase: 'exited', serving: false, exitedAt: 10_000, consecutiveFailures: 2, lastState: { ExitCode: 1, Signal: null, Reason: 'Error', FinishedAt: '', Message: 'exited with code 1' } });
  const early = plan([desired({ replicas: 1, status: 'Running', everRunning: true })], [crashed], 11_000);
  assert.equal(of(early.actions, 'restart').length, 0);
  assert.equal(early.wakeAt, 10_000 + backoffMs(2, DEFAULT_POLICY));
  const due = plan([desired({ replicas: 1 })], [crashed], 10_000 + backoffMs(2, DEFAULT_POLICY));
  assert.equal(of(due.actions, 'restart')[0]?.instance, crashed.name);
});

test('back-off doubles from the base and stops at the maximum', () => {
  assert.equal(backoffMs(1, DEFAULT_POLICY), 1000);
  assert.equal(backoffMs(2, DEFAULT_POLICY), 2000);
  assert.equal(backoffMs(4, DEFAULT_POLICY), 8000);
  assert.equal(backoffMs(40, DEFAULT_POLICY), DEFAULT_POLICY.backoffMaxMs);
});

test('a crash loop marks the service Failed with the exit and the last output', () => {
  const looping = inst({
    phase: 'exited',
    serving: false,
    exitedAt: 0,
    consecutiveFailures: 3,
    lastState: { ExitCode: 3, Signal: null, Reason: 'Error', FinishedAt: '', Message: 'exited with code 3' },
    lastLogLines: ['loading model', 'Error: model file is truncated'],
  });
  const { actions } = plan([desired({ replicas: 1 })], [looping], 0);
  const status = of(actions, 'status')[0];
  assert.equal(status?.status, 'Failed');
  assert.match(status?.reason ?? '', /exited with code 3 \(3 times in a row\)/);
  assert.match(status?.reason ?? '', /model file is truncated/);
});

test('a failing rollout keeps the old version serving', () => {
  const old = inst({ version: 1 });
  const broken = inst({ version: 2, phase: 'exited', serving: false, exitedAt: 0, consecutiveFailures: 3, everServed: false });
  const { actions } = plan([desired({ version: 2, replicas: 1, status: 'Updating', everRunning: true })], [old, broken], 500);
  assert.equal(of(actions, 'drain').length, 0);
  assert.match(of(actions, 'status')[0]?.reason ?? '', /version 1 keeps serving/);
});

test('scaling down removes instances that serve nobody first', () => {
  const a = inst();
  const b = inst({ phase: 'starting', serving: false, everServed: false });
  const c = inst();
  const { actions } = plan([desired({ replicas: 2, status: 'Running', everRunning: true })], [a, b, c], 0);
  assert.deepEqual(of(actions, 'drain').map((x) => x.instance), [b.name]);
});

test('stopping drains everything, then the service is Stopped', () => {
  const first = plan([desired({ desiredState: 'stopped', status: 'Running' })], [inst(), inst()], 0);
  assert.equal(of(first.actions, 'drain').length, 2);
  assert.equal(of(first.actions, 'status')[0]?.status, 'Stopping');
  const later = plan([desired({ desiredState: 'stopped', status: 'Stopping' })], [], 0);
  assert.equal(of(later.actions, 'status')[0]?.status, 'Stopped');
});

test('a deleted service is purged once its last instance is gone', () => {
  const draining = inst({ draining: true, serving: false });
  assert.equal(of(plan([desired({ desiredState: 'deleted', status: 'Deleting' })], [draining], 0).actions, 'purge').length, 0);
  assert.equal(of(plan([desired({ desiredState: 'deleted', status: 'Deleting' })], [], 0).actions, 'purge').length, 1);
});

test('an instance ready long enough has its failure count reset', () => {
  const recovered = inst({ consecutiveFailures: 2, phaseSince: 0 });
  const early = plan([desired({ replicas: 1, status: 'Running', everRunning: true })], [recovered], 1000);
  assert.equal(of(early.actions, 'stable').length, 0);
  assert.equal(early.wakeAt, DEFAULT_POLICY.stableAfterMs);
  assert.equal(of(plan([desired({ replicas: 1 })], [recovered], DEFAULT_POLICY.stableAfterMs).actions, 'stable').length, 1);
});

test('an old-version instance that exits during an update is removed, not restarted', () => {
  const exited = inst({ version: 1, phase: 'exited', serving: false, exitedAt: 0 });
  const { actions } = plan([desired({ version: 2, replicas: 1, status: 'Updating', everRunning: true })], [exited], 60_000);
  assert.deepEqual(of(actions, 'drain').map((a) => a.instance), [exited.name]);
  assert.equal(of(actions, 'restart').length, 0);
});

test('an established instance that stops serving leaves the service Running, degraded', () => {
  const { actions } = plan([desired({ replicas: 2, status: 'Running', everRunning: true })], [inst(), inst({ phase: 'unready', serving: false, probeError: 'GET /health: 500' })], 0);
  const status = of(actions, 'status')[0];
  assert.equal(status?.status, 'Running');
  assert.match(status?.reason ?? '', /degraded: 1\/2 ready.*GET \/health: 500/);
});

test('scaling up reports Scaling until the new instances serve', () => {
  const { actions } = plan([desired({ replicas: 3, status: 'Running', everRunning: true })], [inst(), inst()], 0);
  assert.equal(of(actions, 'create').length, 1);
  assert.equal(of(actions, 'status')[0]?.status, 'Scaling');
});

test('a new instance that is ready but not yet routed by the gateways keeps the service Scaling', () => {
  const { actions } = plan([desired({ replicas: 2, status: 'Scaling', everRunning: true })], [inst(), inst({ phase: 'ready', serving: false, everServed: false })], 0);
  assert.equal(of(actions, 'status')[0]?.status, 'Scaling');
});
