import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSpec, validateSpec } from '../../contract/index.js';
import { probePlanFor } from './probe-plan.js';

function resolved(input: unknown): ReturnType<typeof resolveSpec> {
  const v = validateSpec(input);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveSpec(v.spec);
}

void test('processor services: /__easel/ready and /__easel/live with the default timing', () => {
  const plan = probePlanFor(resolved({ name: 'echo', processor: 'echo' }), 9000);
  assert.deepEqual(plan, {
    readiness: [{ type: 'http', port: 9000, path: '/__easel/ready', accept: 'exact200' }],
    liveness: { type: 'http', port: 9000, path: '/__easel/live', accept: 'exact200' },
    initialDelayMs: 0,
    periodMs: 5000,
    timeoutMs: 2000,
    failureThreshold: 3,
  });
});

void test('a user health_check adds to the processor readiness probe and leaves its liveness probe', () => {
  const plan = probePlanFor(resolved({ name: 'echo', processor: 'echo', health_check: { type: 'http', path: '/ok', period_seconds: 1 } }), 9000);
  assert.deepEqual(plan.readiness, [
    { type: 'http', port: 9000, path: '/__easel/ready', accept: 'exact200' },
    { type: 'http', port: 9000, path: '/ok', accept: 'success' },
  ]);
  assert.equal(plan.liveness?.type, 'http');
  assert.equal(plan.periodMs, 1000);
});

void test('containers: tcp on the port by default, or the health_check on its own port', () => {
  const tcp = probePlanFor(resolved({ name: 'c', containers: [{ script: 'x' }] }), 7000);
  assert.deepEqual(tcp.readiness, [{ type: 'tcp', port: 7000 }]);
  assert.equal(tcp.liveness, null);
  const http = probePlanFor(resolved({ name: 'c', containers: [{ script: 'x' }], health_check: { type: 'http', path: '/h', port: 7001, failure_threshold: 1 } }), 7000);
  assert.deepEqual(http.readiness, [{ type: 'http', port: 7001, path: '/h', accept: 'success' }]);
  assert.equal(http.failureThreshold, 1);
});
