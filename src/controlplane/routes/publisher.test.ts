import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceRoute, WatchServerMessage } from '../../contract/routes.js';
import { RoutePublisher } from './publisher.js';

function route(...instances: string[]): ServiceRoute {
  return { service: 's', state: 'running', token: null, keepaliveMs: 5000, rateLimit: null, concurrencyLimit: null, instances: instances.map((name, i) => ({ name, host: '127.0.0.1', port: 1000 + i, version: 1 })) };
}

test('a revision is made only when the routes change, and continues from the initial one', () => {
  const p = new RoutePublisher({ initialRevision: 41 });
  assert.equal(p.update([route('a')]), 42);
  assert.equal(p.update([route('a')]), 42);
  assert.equal(p.update([route('a', 'b')]), 43);
});

test('watchers get the table on connect and on every change', () => {
  const p = new RoutePublisher({ initialRevision: 0 });
  const got: number[] = [];
  p.addWatcher({ send: (d) => got.push((JSON.parse(d) as WatchServerMessage).table.revision) });
  p.update([route('a')]);
  assert.deepEqual(got, [0, 1]);
});

test('an instance serves only once every connected gateway applied a table with it', () => {
  const p = new RoutePublisher({ initialRevision: 0 });
  assert.equal(p.isServing('a'), false);
  p.update([route('a')]);
  assert.equal(p.isServing('a'), true, 'with no gateway connected, routed means serving');
  const g1 = p.addWatcher({ send: () => undefined });
  const g2 = p.addWatcher({ send: () => undefined });
  assert.equal(p.isServing('a'), false);
  g1.ack(1);
  assert.equal(p.isServing('a'), false);
  g2.ack(1);
  assert.equal(p.isServing('a'), true);
  g2.remove();
  p.update([route('a', 'b')]);
  assert.equal(p.isServing('b'), false);
  g1.ack(2);
  assert.equal(p.isServing('b'), true);
});

test('waitForAck resolves when every gateway applied the revision, false on timeout', async () => {
  const p = new RoutePublisher({ initialRevision: 0 });
  const g = p.addWatcher({ send: () => undefined });
  const r = p.update([route('a')]);
  const waiting = p.waitForAck(r, 10_000);
  g.ack(r);
  assert.equal(await waiting, true);
  const r2 = p.update([]);
  assert.equal(await p.waitForAck(r2, 20), false);
  g.remove();
  assert.equal(await p.waitForAck(r2, 20), true, 'a gateway that left no longer holds anything up');
});
