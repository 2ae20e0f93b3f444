import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceRoute } from '../contract/routes.js';
import { RouteRegistry } from './route-table.js';

const inst = (name: string, port: number) => ({ name, host: '127.0.0.1', port, version: 1 });
const route = (service: string, ports: number[], extra: Partial<ServiceRoute> = {}): ServiceRoute => ({
  service,
  state: 'running',
  token: null,
  keepaliveMs: 5000,
  rateLimit: null,
  concurrencyLimit: null,
  instances: ports.map((p) => inst(`${service}-${p}`, p)),
  ...extra,
});

void describe('RouteRegistry', () => {
  void it('keeps per-service and per-instance state across tables', () => {
    const reg = new RouteRegistry(30_000);
    const t1 = reg.compile({ revision: 1, services: [route('a', [1, 2], { rateLimit: 5 }), route('b', [3])] }, 0);
    const a1 = t1.routes.get('a')!;
    a1.state.inFlight = 2;
    const t2 = reg.compile({ revision: 2, services: [route('a', [2, 4], { rateLimit: 5 })] }, 0);
    const a2 = t2.routes.get('a')!;
    assert.equal(a2.state, a1.state);
    assert.equal(a2.state.inFlight, 2);
    assert.equal(a2.state.bucket, a1.state.bucket);
    assert.equal(a2.instances[0], a1.instances[1]);
    assert.equal(a1.instances[0]!.retired, true);
    assert.equal(a2.instances[1]!.retired, false);
    assert.equal(t2.routes.has('b'), false);
    assert.equal(t1.routes.get('b')!.instances[0]!.retired, true);
  });

  void it('compiles tokens, stopped state, limits and the shortest deadline', () => {
    const reg = new RouteRegistry(30_000);
    const t = reg.compile({ revision: 9, services: [route('a', [1], { token: 'x', keepaliveMs: 800 }), route('b', [], { state: 'stopped', concurrencyLimit: 3 })] }, 0);
    assert.equal(t.revision, 9);
    assert.ok(t.routes.get('a')!.auth?.matchesPlain('x'));
    assert.equal(t.routes.get('b')!.stopped, true);
    assert.equal(t.routes.get('b')!.concurrencyLimit, 3);
    assert.equal(t.routes.get('b')!.state.bucket, null);
    assert.equal(t.minKeepaliveMs(), 800);
  });

  void it('changes a rate limit without resetting its bucket, and drops it when disabled', () => {
    const reg = new RouteRegistry(30_000);
    const bucket = reg.compile({ revision: 1, services: [route('a', [1], { rateLimit: 10 })] }, 0).routes.get('a')!.state.bucket!;
    const again = reg.compile({ revision: 2, services: [route('a', [1], { rateLimit: 2 })] }, 0).routes.get('a')!.state.bucket;
    assert.equal(again, bucket);
    assert.equal(bucket.rate, 2);
    assert.equal(reg.compile({ revision: 3, services: [route('a', [1])] }, 0).routes.get('a')!.state.bucket, null);
  });
});
