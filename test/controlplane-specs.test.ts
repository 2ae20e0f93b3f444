// Invalid specs through the real API: every one answered 400 with every problem and its path,
// and nothing created. Runs against an in-process control plane (fastify inject, no socket).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../src/controlplane/index.js';
import { silentLogger } from '../src/shared/logger.js';

let cp: ControlPlane;
let home: string;
let modelFile: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'easel-specs-'));
  modelFile = join(home, 'model.json');
  writeFileSync(modelFile, '{}');
  cp = await startControlPlane({ home, port: 0, logger: silentLogger() });
});

after(async () => {
  await cp.close({ stopInstances: true });
  rmSync(home, { recursive: true, force: true });
});

interface Problem {
  path: string;
  message: string;
}

async function post(body: unknown, raw?: string, contentType = 'application/json'): Promise<{ status: number; body: { code: string; message: string; details?: { problems: Problem[] } } }> {
  const res = await cp.app.inject({
    method: 'POST',
    url: '/api/v2/services',
    headers: { authorization: `Bearer ${cp.adminToken}`, 'content-type': contentType },
    payload: raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}

const INVALID: { name: string; spec: unknown; paths: string[]; match?: RegExp }[] = [
  { name: 'wrong type of a number', spec: { name: 'a', processor: 'echo', metadata: { instance: 'two' } }, paths: ['metadata.instance'], match: /expected an integer|expected a number/ },
  { name: 'unknown top-level field', spec: { name: 'a', processor: 'echo', replicas: 2 }, paths: ['replicas'], match: /unknown field "replicas"/ },
  { name: 'unknown nested field with a suggestion', spec: { name: 'a', processor: 'echo', metadata: { instances: 2 } }, paths: ['metadata.instances'], match: /did you mean "instance"/ },
  { name: 'negative instance count', spec: { name: 'a', processor: 'echo', metadata: { instance: -1 } }, paths: ['metadata.instance'], match: /≥ 0/ },
  { name: 'missing processor', spec: { name: 'a' }, paths: ['processor'], match: /processor_path .* or containers/ },
  { name: 'processor and containers together', spec: { name: 'a', processor: 'echo', containers: [{ script: 'x' }] }, paths: ['containers'], match: /cannot be combined/ },
  { name: 'missing name', spec: { processor: 'echo' }, paths: ['name'] },
  { name: 'name with illegal characters', spec: { name: 'My-Service', processor: 'echo' }, paths: ['name'], match: /lowercase/ },
  { name: 'name too long', spec: { name: `a${'b'.repeat(63)}`, processor: 'echo' }, paths: ['name'] },
  { name: 'path traversal in model_path', spec: { name: 'a', processor: 'echo', model_path: '/models/../../etc/passwd' }, paths: ['model_path'], match: /traversal/ },
  { name: 'path traversal hidden in a file URL', spec: { name: 'a', processor: 'echo', model_path: 'file:///models/%2e%2e/etc/passwd' }, paths: ['model_path'], match: /traversal/ },
  { name: 'relative model_path', spec: { name: 'a', processor: 'echo', model_path: 'models/m.json' }, paths: ['model_path'], match: /absolute/ },
  { name: 'model_path that does not exist', spec: { name: 'a', processor: 'echo', model_path: '/nonexistent/model.json' }, paths: ['model_path'], match: /no such file/ },
  { name: 'unsupported URL scheme', spec: { name: 'a', processor: 'echo', model_path: 'ftp://host/m' }, paths: ['model_path'], match: /unsupported scheme/ },
  { name: 'processor_path that does not exist', spec: { name: 'a', processor_path: '/nonexistent/proc.mjs' }, paths: ['processor_path'], match: /no such file/ },
  { name: 'huge queue size', spec: { name: 'a', processor: 'echo', metadata: { rpc: { max_queue_size: 1e12 } } }, paths: ['metadata.rpc.max_queue_size'], match: /≤ 1000000/ },
  { name: 'huge instance count', spec: { name: 'a', processor: 'echo', metadata: { instance: 1_000_000 } }, paths: ['metadata.instance'], match: /≤ 1000/ },
  { name: 'zero keepalive', spec: { name: 'a', processor: 'echo', metadata: { rpc: { keepalive: 0 } } }, paths: ['metadata.rpc.keepalive'] },
  { name: 'container port out of range', spec: { name: 'a', containers: [{ script: 'x', port: 70000 }] }, paths: ['containers[0].port'] },
  { name: 'container with neither script nor command', spec: { name: 'a', containers: [{ port: 8000 }] }, paths: ['containers[0]'], match: /script or command/ },
  { name: 'container image', spec: { name: 'a', containers: [{ image: 'nginx', script: 'x' }] }, paths: ['containers[0].image'], match: /container engine/ },
  { name: 'fixed port with several instances', spec: { name: 'a', containers: [{ script: 'x', port: 8000 }], metadata: { instance: 2 } }, paths: ['containers[0].port'], match: /\$PORT/ },
  { name: 'rolling strategy that cannot progress', spec: { name: 'a', processor: 'echo', metadata: { rolling_strategy: { max_surge: 0, max_unavailable: 0 } } }, paths: ['metadata.rolling_strategy'] },
  { name: 'bad environment variable name', spec: { name: 'a', containers: [{ script: 'x', env: [{ name: '1X', value: 'v' }] }] }, paths: ['containers[0].env[0].name'] },
  { name: 'rate limit enabled without a limit', spec: { name: 'a', processor: 'echo', networking: { gateway_policy: { rate_limit: { enable: true } } } }, paths: ['networking.gateway_policy.rate_limit.limit'] },
  { name: 'token too short', spec: { name: 'a', processor: 'echo', token: 'abc' }, paths: ['token'] },
  { name: 'a model file that does not exist', spec: { name: 'a', processor: 'xgboost', model_path: '/nonexistent/m.json' }, paths: ['model_path'], match: /no such file/ },
  { name: 'model_config a built-in processor does not read', spec: { name: 'a', processor: 'xgboost', model_path: '/etc/passwd', model_config: { iteration_ned: 3 } }, paths: ['model_config.iteration_ned'], match: /known: iteration_end/ },
  { name: 'batching for a container', spec: { name: 'a', containers: [{ script: 'true', port: 8000 }], metadata: { rpc: { batching: true } } }, paths: ['metadata.rpc.batching'] },
  { name: 'a model folder without model_entry', spec: { name: 'a', processor: 'onnx', model_path: '/tmp' }, paths: ['model_entry'], match: /is a folder/ },
  { name: 'a warm-up file that does not exist', spec: { name: 'a', processor: 'echo', warm_up_data_path: '/nonexistent/warm.jsonl' }, paths: ['warm_up_data_path'], match: /no such file/ },
  { name: 'a feature this version rejects rather than ignores', spec: { name: 'a', processor: 'echo', autoscaler: { min: 1, max: 2, scaleStrategies: [{ metricName: 'qps', threshold: 10 }] } }, paths: ['autoscaler'], match: /not supported/ },
];

for (const c of INVALID) {
  test(`invalid spec: ${c.name} → 400 naming ${c.paths.join(', ')}`, async () => {
    const res = await post(c.spec);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.code, 'EASEL_SPEC_INVALID');
    const problems = res.body.details?.problems ?? [];
    for (const path of c.paths) {
      const hit = problems.find((p) => p.path === path);
      assert.ok(hit, `expected a problem at ${path}, got ${JSON.stringify(problems)}`);
      if (c.match !== undefined && path === c.paths[0]) assert.match(hit.message, c.match);
    }
  });
}

test('a spec with many problems gets all of them in one answer', async () => {
  const res = await post({ name: 'Bad', processor: 'echo', containers: [{ port: 0 }], metadata: { instance: -3, rpc: { worker_threads: 0 } }, extra: true });
  assert.equal(res.status, 400);
  const paths = (res.body.details?.problems ?? []).map((p) => p.path);
  for (const p of ['name', 'containers', 'containers[0].port', 'metadata.instance', 'metadata.rpc.worker_threads', 'extra']) assert.ok(paths.includes(p), `${p} missing from ${paths.join(', ')}`);
  assert.match(res.body.message, /problem/);
});

test('malformed JSON, a wrong media type and an empty body are 400 with a clear message', async () => {
  const bad = await post(undefined, '{"name": "a",');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'EASEL_BAD_REQUEST');
  assert.match(bad.body.message, /JSON/);
  const media = await post(undefined, 'name=a', 'application/x-www-form-urlencoded');
  assert.equal(media.status, 400);
  assert.match(media.body.message, /application\/json/);
  const notObject = await post([1, 2]);
  assert.equal(notObject.status, 400);
  assert.match(notObject.body.details?.problems[0]?.message ?? '', /JSON object/);
});

test('nothing is created by any rejected spec', async () => {
  const res = await cp.app.inject({ method: 'GET', url: '/api/v2/services', headers: { authorization: `Bearer ${cp.adminToken}` } });
  assert.deepEqual(res.json(), { Services: [], TotalCount: 0 });
});

test('every API path but /healthz needs the admin token', async () => {
  const none = await cp.app.inject({ method: 'GET', url: '/api/v2/services' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json<{ code: string }>().code, 'EASEL_UNAUTHORIZED');
  const wrong = await cp.app.inject({ method: 'GET', url: '/api/v2/services', headers: { authorization: 'Bearer not-the-token' } });
  assert.equal(wrong.statusCode, 401);
  const health = await cp.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.equal(health.json<{ component: string }>().component, 'controlplane');
});

test('unknown services and endpoints are 404 with a stable code', async () => {
  const auth = { authorization: `Bearer ${cp.adminToken}` };
  const svc = await cp.app.inject({ method: 'GET', url: '/api/v2/services/nope', headers: auth });
  assert.equal(svc.statusCode, 404);
  assert.equal(svc.json<{ code: string }>().code, 'EASEL_SERVICE_NOT_FOUND');
  const route = await cp.app.inject({ method: 'GET', url: '/api/v2/nothing', headers: auth });
  assert.equal(route.statusCode, 404);
  assert.equal(route.json<{ code: string }>().code, 'EASEL_ROUTE_NOT_FOUND');
});

test('the admin token file is private to its owner', async () => {
  const { statSync } = await import('node:fs');
  assert.equal(statSync(join(home, 'admin.token')).mode & 0o777, 0o600);
  assert.ok(modelFile.length > 0);
});

test('modify turns auth off and on: the token goes, then a new one is issued', async () => {
  const auth = { authorization: `Bearer ${cp.adminToken}`, 'content-type': 'application/json' };
  const created = await cp.app.inject({ method: 'POST', url: '/api/v2/services', headers: auth, payload: JSON.stringify({ name: 'open', processor: 'echo', metadata: { instance: 0 } }) });
  const first = created.json<{ AccessToken: string }>().AccessToken;
  assert.ok(first.length > 0);
  const off = await cp.app.inject({ method: 'PUT', url: '/api/v2/services/open', headers: auth, payload: JSON.stringify({ networking: { disable_auth: true } }) });
  assert.equal(off.json<{ AccessToken: string }>().AccessToken, '');
  const on = await cp.app.inject({ method: 'PUT', url: '/api/v2/services/open', headers: auth, payload: JSON.stringify({ networking: null }) });
  const second = on.json<{ AccessToken: string; LatestVersion: number }>();
  assert.equal(second.LatestVersion, 3);
  assert.ok(second.AccessToken.length > 0 && second.AccessToken !== first);
  const routes = cp.publisher.table.services.find((s) => s.service === 'open');
  assert.equal(routes?.token, second.AccessToken, 'the gateways get the new token');
  await cp.app.inject({ method: 'DELETE', url: '/api/v2/services/open', headers: auth });
});
