import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrations.js';
import { Store } from './store.js';

function withStore(fn: (store: Store, file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'easel-store-'));
  const file = join(dir, 'easel.db');
  const db = openDatabase(file);
  try {
    fn(new Store(db), file);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the schema is migrated to the latest version, in WAL mode', () => {
  withStore((_, file) => {
    const db = openDatabase(file);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });
});

test('a service keeps its versions, and a new version becomes current', () => {
  withStore((store) => {
    store.insertService({ name: 'a', token: 'secret-token', replicas: 2, spec: { name: 'a', processor: 'echo' } });
    const v = store.addVersion('a', { name: 'a', processor: 'echo', metadata: { instance: 3 } }, 3);
    assert.equal(v, 2);
    const svc = store.getService('a');
    assert.equal(svc?.currentVersion, 2);
    assert.equal(svc?.latestVersion, 2);
    assert.equal(svc?.replicas, 3);
    assert.deepEqual(store.listVersions('a').map((x) => x.version), [1, 2]);
  });
});

test('instances record exits, failures in a row and restarts', () => {
  withStore((store) => {
    store.insertService({ name: 'a', token: null, replicas: 1, spec: { name: 'a', processor: 'echo' } });
    store.insertInstance({ name: 'a-v1-x', service: 'a', version: 1 });
    const lastState = { ExitCode: 3, Signal: null, Reason: 'Error' as const, FinishedAt: 'now', Message: 'exited with code 3' };
    store.recordExit('a-v1-x', { lastState, lastLogLines: ['boom'], exitedAt: 5, countsAsFailure: true });
    store.recordExit('a-v1-x', { lastState, lastLogLines: ['boom'], exitedAt: 6, countsAsFailure: true });
    store.markRestarting('a-v1-x');
    const row = store.getInstance('a-v1-x');
    assert.equal(row?.consecutiveFailures, 2);
    assert.equal(row?.restartCount, 1);
    assert.equal(row?.exitedAt, null);
    assert.deepEqual(row?.lastState, lastState);
    store.resetFailures('a-v1-x');
    assert.equal(store.getInstance('a-v1-x')?.consecutiveFailures, 0);
  });
});

test('events list the latest ones oldest first, and purge removes everything of a service', () => {
  withStore((store) => {
    store.insertService({ name: 'a', token: null, replicas: 1, spec: { name: 'a', processor: 'echo' } });
    store.insertInstance({ name: 'a-v1-x', service: 'a', version: 1 });
    for (let i = 0; i < 5; i++) store.addEvent({ service: 'a', type: 'Normal', reason: 'R', message: `m${i}` });
    const last3 = store.listEvents('a', { limit: 3 });
    assert.deepEqual(last3.map((e) => e.Message), ['m2', 'm3', 'm4']);
    const after = store.listEvents('a', { afterId: last3[1]?.Id, limit: 100 });
    assert.deepEqual(after.map((e) => e.Message), ['m4']);
    store.purgeService('a');
    assert.equal(store.getService('a'), undefined);
    assert.equal(store.listInstances('a').length, 0);
    assert.equal(store.listVersions('a').length, 0);
    assert.equal(store.listEvents('a', { limit: 10 }).length, 0);
  });
});
