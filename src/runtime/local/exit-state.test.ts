import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastStateOf } from './exit-state.js';

const AT = '2025-01-02T03:04:05.000Z';

void test('a process that ends on its own: Completed, Error or Killed', () => {
  assert.deepEqual(lastStateOf({ kind: 'exited', code: 0, signal: null }, null, AT), {
    ExitCode: 0,
    Signal: null,
    Reason: 'Completed',
    FinishedAt: AT,
    Message: 'exited with code 0',
  });
  const crashed = lastStateOf({ kind: 'exited', code: 3, signal: null }, null, AT);
  assert.equal(crashed.Reason, 'Error');
  assert.equal(crashed.Message, 'exited with code 3');
  const segv = lastStateOf({ kind: 'exited', code: null, signal: 'SIGSEGV' }, null, AT);
  assert.equal(segv.Reason, 'Killed');
  assert.equal(segv.Message, 'killed by SIGSEGV');
});

void test('an adopted process that vanished is Lost', () => {
  const s = lastStateOf({ kind: 'vanished' }, null, AT);
  assert.equal(s.Reason, 'Lost');
  assert.equal(s.ExitCode, null);
});

void test('kills by the runtime name their cause, even when the status is unknown', () => {
  const oom = lastStateOf({ kind: 'exited', code: null, signal: 'SIGKILL' }, { kind: 'oom', message: 'killed: RSS 300 MB exceeded metadata.memory 256 MB' }, AT);
  assert.equal(oom.Reason, 'OOMKilled');
  assert.equal(oom.Signal, 'SIGKILL');
  assert.match(oom.Message, /RSS 300 MB/);
  const live = lastStateOf({ kind: 'vanished' }, { kind: 'liveness', message: 'x' }, AT);
  assert.equal(live.Reason, 'LivenessProbeFailed');
  assert.equal(live.Signal, 'SIGKILL');
});

void test('a stop says whether SIGTERM was honoured', () => {
  const graceful = lastStateOf({ kind: 'exited', code: 0, signal: null }, { kind: 'stop', graceMs: 1000, escalated: false }, AT);
  assert.equal(graceful.Reason, 'Completed');
  assert.equal(graceful.Message, 'stopped: exited with code 0');
  const forced = lastStateOf({ kind: 'exited', code: null, signal: 'SIGKILL' }, { kind: 'stop', graceMs: 1000, escalated: true }, AT);
  assert.equal(forced.Reason, 'Killed');
  assert.match(forced.Message, /1000 ms grace period/);
  const adopted = lastStateOf({ kind: 'vanished' }, { kind: 'stop', graceMs: 1000, escalated: false }, AT);
  assert.equal(adopted.Signal, 'SIGTERM');
  assert.equal(adopted.Reason, 'Killed');
});
