import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENDPOINT, normalizeUrl, resolveConnection, tokenHint, type ConnectionInputs } from './connection.js';
import { UsageError } from './errors.js';

function inputs(over: Partial<ConnectionInputs> & { files?: Record<string, string>; alive?: number[] } = {}): ConnectionInputs {
  const files = over.files ?? {};
  const alive = new Set(over.alive ?? []);
  return {
    env: {},
    cwd: '/work',
    readText: (f) => files[f],
    pidAlive: (pid) => alive.has(pid),
    ...over,
  };
}

void test('home: --home, else $EASEL_HOME, else ./.easel, resolved against the working folder', () => {
  assert.equal(resolveConnection(inputs()).home, '/work/.easel');
  assert.equal(resolveConnection(inputs({ env: { EASEL_HOME: 'data' } })).home, '/work/data');
  assert.equal(resolveConnection(inputs({ env: { EASEL_HOME: 'data' }, homeFlag: '/srv/easel' })).home, '/srv/easel');
});

void test('endpoint: --endpoint, else $EASEL_ENDPOINT, else the lock of a running control plane, else the default', () => {
  const lock = { '/work/.easel/controlplane.lock': JSON.stringify({ pid: 42, startTicks: 1, url: 'http://127.0.0.1:9999' }) };
  assert.deepEqual(pick(resolveConnection(inputs())), [DEFAULT_ENDPOINT, 'default']);
  assert.deepEqual(pick(resolveConnection(inputs({ files: lock, alive: [42] }))), ['http://127.0.0.1:9999', 'lock']);
  assert.deepEqual(pick(resolveConnection(inputs({ files: lock, alive: [] }))), [DEFAULT_ENDPOINT, 'default'], 'a stale lock is ignored');
  assert.deepEqual(pick(resolveConnection(inputs({ files: lock, alive: [42], env: { EASEL_ENDPOINT: 'http://cp:1/' } }))), ['http://cp:1', 'env']);
  assert.deepEqual(pick(resolveConnection(inputs({ env: { EASEL_ENDPOINT: 'http://cp:1' }, endpointFlag: 'https://cp:2' }))), ['https://cp:2', 'flag']);
});

void test('a lock that is still being written or is garbage is ignored', () => {
  const files = { '/work/.easel/controlplane.lock': JSON.stringify({ pid: 42, startTicks: 1, url: 'starting' }) };
  assert.equal(resolveConnection(inputs({ files, alive: [42] })).endpointSource, 'default');
  assert.equal(resolveConnection(inputs({ files: { '/work/.easel/controlplane.lock': '{' }, alive: [42] })).endpointSource, 'default');
});

void test('an endpoint that is not an http(s) URL is a usage error naming where it came from', () => {
  assert.throws(() => resolveConnection(inputs({ endpointFlag: '127.0.0.1:8081' })), (e: unknown) => e instanceof UsageError && /--endpoint must be an http\(s\) URL/.test(e.message));
  assert.throws(() => resolveConnection(inputs({ env: { EASEL_ENDPOINT: 'ftp://x' } })), (e: unknown) => e instanceof UsageError && /\$EASEL_ENDPOINT/.test(e.message));
  assert.equal(normalizeUrl('http://h:1///'), 'http://h:1');
});

void test('token: $EASEL_TOKEN, else <home>/admin.token trimmed, else none', () => {
  const files = { '/work/.easel/admin.token': '  file-token\n' };
  const fromEnv = resolveConnection(inputs({ files, env: { EASEL_TOKEN: 'env-token' } }));
  assert.equal(fromEnv.token, 'env-token');
  assert.deepEqual(fromEnv.tokenSource, { kind: 'env' });
  const fromFile = resolveConnection(inputs({ files }));
  assert.equal(fromFile.token, 'file-token');
  assert.deepEqual(fromFile.tokenSource, { kind: 'file', file: '/work/.easel/admin.token' });
  const none = resolveConnection(inputs());
  assert.equal(none.token, undefined);
  assert.equal(none.tokenSource.kind, 'none');
});

void test('the token hint says where the token came from', () => {
  assert.match(tokenHint(resolveConnection(inputs({ env: { EASEL_TOKEN: 'x' } }))), /\$EASEL_TOKEN does not hold the admin token/);
  assert.match(tokenHint(resolveConnection(inputs({ files: { '/work/.easel/admin.token': 'x' } }))), /\/work\/\.easel\/admin\.token does not hold the admin token/);
  assert.match(tokenHint(resolveConnection(inputs())), /no admin token found/);
});

function pick(c: { endpoint: string; endpointSource: string }): [string, string] {
  return [c.endpoint, c.endpointSource];
}
