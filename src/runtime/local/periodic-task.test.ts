import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeLog } from './options.js';
import { PeriodicTask } from './periodic-task.js';

function recordingLog(): RuntimeLog & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const push = (obj: unknown): void => void warnings.push(obj);
  return { warnings, debug: () => undefined, info: () => undefined, warn: push, error: push };
}

void test('runs steps at the interval, survives a throwing step, ends on "stop"', async () => {
  const log = recordingLog();
  let steps = 0;
  let fourth!: () => void;
  const reachedFourth = new Promise<void>((resolve) => (fourth = resolve));
  const task = new PeriodicTask({
    name: 'count',
    intervalMs: () => 5,
    initialDelayMs: 0,
    log,
    step: () => {
      steps += 1;
      if (steps === 2) return Promise.reject(new Error('boom'));
      if (steps < 4) return Promise.resolve();
      fourth();
      return Promise.resolve('stop');
    },
  });
  await reachedFourth;
  await task.close();
  assert.equal(steps, 4);
  assert.equal(log.warnings.length, 1, 'the failed step was logged');
  assert.equal(task.state, 'closed');
});

void test('close() before the first step: no step runs', async () => {
  let steps = 0;
  const task = new PeriodicTask({ name: 'idle', intervalMs: () => 5, log: recordingLog(), step: () => Promise.resolve(void (steps += 1)) });
  await task.close();
  assert.equal(steps, 0);
});

void test('close() aborts the step in flight and waits for it', async () => {
  let aborted = false;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const task = new PeriodicTask({
    name: 'slow',
    intervalMs: () => 1000,
    initialDelayMs: 0,
    log: recordingLog(),
    step: (signal) =>
      new Promise<void>((resolve) => {
        started();
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        });
      }),
  });
  await running;
  assert.equal(task.state, 'running');
  await task.close();
  assert.equal(aborted, true);
  assert.equal(task.state, 'closed');
});
