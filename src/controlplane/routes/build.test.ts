import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSpec } from '../../contract/resolve.js';
import type { Observation } from '../../runtime/types.js';
import type { InstanceRow, ServiceRow } from '../store/store.js';
import { buildRoutes } from './build.js';

function service(name: string, over: Partial<ServiceRow> = {}): ServiceRow {
  return { name, token: 't0ken-123', desiredState: 'running', replicas: 1, currentVersion: 1, latestVersion: 1, status: 'Running', reason: '', everRunning: true, createTime: '', updateTime: '', ...over };
}

function row(name: string, svc: string, over: Partial<InstanceRow> = {}): InstanceRow {
  return { name, service: svc, version: 1, restartCount: 0, consecutiveFailures: 0, lastState: null, lastLogLines: [], exitedAt: null, pid: 1, port: 1, startTicks: 1, startTime: '', draining: false, drainReason: null, createTime: '', ...over };
}

function obs(instance: string, phase: Observation['phase'], port: number): Observation {
  return { instance, service: '', version: 1, phase, pid: 1, port, startTime: '', phaseSince: 0, lastState: null, lastLogLines: [], probeError: null, cpuPercent: null, rssBytes: null, adopted: false };
}

const resolved = () => resolveSpec({ name: 'x', processor: 'echo', metadata: { rpc: { keepalive: 1234 } }, networking: { gateway_policy: { rate_limit: { enable: true, limit: 9 } } } });

test('only ready instances that are not draining are routed', () => {
  const routes = buildRoutes(
    [service('a')],
    [row('a-1', 'a'), row('a-2', 'a'), row('a-3', 'a', { draining: true }), row('a-4', 'a')],
    new Map([
      ['a-1', obs('a-1', 'ready', 1001)],
      ['a-2', obs('a-2', 'starting', 1002)],
      ['a-3', obs('a-3', 'ready', 1003)],
    ]),
    resolved,
  );
  assert.deepEqual(routes[0]?.instances, [{ name: 'a-1', host: '127.0.0.1', port: 1001, version: 1 }]);
  assert.equal(routes[0]?.keepaliveMs, 1234);
  assert.equal(routes[0]?.rateLimit, 9);
  assert.equal(routes[0]?.concurrencyLimit, null);
});

test('deleted services vanish, stopped ones stay so the gateway can say why', () => {
  const routes = buildRoutes([service('gone', { desiredState: 'deleted' }), service('off', { desiredState: 'stopped', token: null })], [], new Map(), resolved);
  assert.deepEqual(routes.map((r) => [r.service, r.state, r.token]), [['off', 'stopped', null]]);
});
