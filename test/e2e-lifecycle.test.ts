// A service's whole life through a real `easel up`: create, call through the gateway, scale
// in place, roll out a new version, switch back, stop, start, restart one instance, read its
// events and logs, delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EventDescription, ServiceDescription, VersionDescription } from '../src/contract/api.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { call } from './helpers/http.js';
import { waitFor } from './helpers/wait.js';

let easel: EaselProcess;

before(async () => {
  easel = await startEasel();
});

after(async () => {
  await cleanup(easel);
});

test('an echo service is created, becomes Running and answers through the gateway', async () => {
  const d = await easel.deploy({ name: 'echo', processor: 'echo' });
  assert.equal(d.RunningInstance, 1);
  assert.equal(d.CurrentVersion, 1);
  assert.match(d.AccessToken, /^\S{20,}$/);
  assert.equal(d.InternetEndpoint, `${easel.gatewayUrl}/api/predict/echo`);
  const r = await easel.predict('echo', '{"x":1}', { token: d.AccessToken, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"x":1}');
  assert.equal(r.headers['content-type'], 'application/json');
});

test('a change of metadata.instance alone scales in place without a new version', async () => {
  const r = await easel.api('PUT', '/api/v2/services/echo', { metadata: { instance: 3 } });
  assert.equal(r.status, 200, r.text);
  const d = await easel.waitStatus('echo', 'Running');
  assert.equal(d.CurrentVersion, 1);
  assert.equal(d.LatestVersion, 1);
  assert.equal(d.RunningInstance, 3);
  assert.equal((await easel.instances('echo')).length, 3);
  const events = (await easel.api('GET', '/api/v2/services/echo/events')).json<EventDescription[]>();
  assert.ok(events.some((e) => e.Reason === 'ServiceScaled' && /from 1 to 3/.test(e.Message)));
});

test('any other change makes a new version whose instances replace the old ones', async () => {
  const before = new Set((await easel.instances('echo')).map((i) => i.InstanceName));
  const r = await easel.api('PUT', '/api/v2/services/echo', { metadata: { rpc: { keepalive: 7000 } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json<ServiceDescription>().LatestVersion, 2);
  const d = await easel.waitStatus('echo', 'Running');
  assert.equal(d.CurrentVersion, 2);
  assert.equal(d.ServiceConfig.metadata?.rpc?.keepalive, 7000);
  assert.equal(d.ServiceConfig.metadata?.instance, 3, 'the scale survives the new version');
  const now = await waitFor('old instances gone', async () => {
    const list = await easel.instances('echo');
    return list.length === 3 && list.every((i) => i.Version === 2) ? list : undefined;
  });
  assert.ok(now.every((i) => !before.has(i.InstanceName)));
});

test('versions are listed and a switch rolls back to an earlier one', async () => {
  const versions = (await easel.api('GET', '/api/v2/services/echo/versions')).json<VersionDescription[]>();
  assert.deepEqual(versions.map((v) => [v.Version, v.Current]), [[1, false], [2, true]]);
  const bad = await easel.api('PUT', '/api/v2/services/echo/version', { Version: 9 });
  assert.equal(bad.status, 404);
  assert.equal(bad.json<{ code: string }>().code, 'EASEL_VERSION_NOT_FOUND');
  const malformed = await easel.api('PUT', '/api/v2/services/echo/version', { Version: 'one' });
  assert.equal(malformed.status, 400);
  const r = await easel.api('PUT', '/api/v2/services/echo/version', { Version: 1 });
  assert.equal(r.status, 200, r.text);
  await waitFor('every instance on version 1', async () => {
    const d = await easel.describe('echo');
    const list = await easel.instances('echo');
    return d.Status === 'Running' && d.CurrentVersion === 1 && list.every((i) => i.Version === 1) ? true : undefined;
  });
});

test('a stopped service answers 503 naming why, and starts again', async () => {
  const d = (await easel.api('PUT', '/api/v2/services/echo/stop')).json<ServiceDescription>();
  await easel.waitStatus('echo', 'Stopped');
  assert.equal((await easel.instances('echo')).length, 0);
  const r = await easel.predict('echo', 'x', { token: d.AccessToken });
  assert.equal(r.status, 503);
  assert.equal(r.json<{ code: string }>().code, 'EASEL_SERVICE_STOPPED');
  await easel.api('PUT', '/api/v2/services/echo/start');
  await easel.waitStatus('echo', 'Running');
  assert.equal((await easel.predict('echo', 'again', { token: d.AccessToken })).text, 'again');
});

test('deleting one instance restarts it: a new one takes its place', async () => {
  const [first] = await easel.instances('echo');
  assert.ok(first);
  const r = await easel.api('DELETE', `/api/v2/services/echo/instances/${first.InstanceName}`);
  assert.equal(r.status, 200, r.text);
  await waitFor('a replacement', async () => {
    const list = await easel.instances('echo');
    return list.length === 3 && !list.some((i) => i.InstanceName === first.InstanceName) && list.every((i) => i.Ready) ? true : undefined;
  });
  const missing = await easel.api('DELETE', '/api/v2/services/echo/instances/echo-v1-nope');
  assert.equal(missing.status, 404);
});

test('logs of an instance and of the whole service are served, tail included', async () => {
  const [one] = await easel.instances('echo');
  assert.ok(one);
  const own = await easel.api('GET', `/api/v2/services/echo/logs?instance=${one.InstanceName}&tail=5`);
  assert.equal(own.status, 200);
  const lines = own.text.trim().split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 5, own.text);
  const all = await easel.api('GET', '/api/v2/services/echo/logs?tail=2');
  assert.match(all.text, /^\[echo-v1-/m);
  const bad = await easel.api('GET', '/api/v2/services/echo/logs?tail=many');
  assert.equal(bad.status, 400);
  assert.match(bad.json<{ message: string }>().message, /tail/);
});

test('every transition is an event with a reason', async () => {
  const events = (await easel.api('GET', '/api/v2/services/echo/events?limit=1000')).json<EventDescription[]>();
  const reasons = new Set(events.map((e) => e.Reason));
  for (const r of ['ServiceCreated', 'InstanceCreated', 'InstanceStarted', 'InstanceReady', 'ServiceRunning', 'ServiceScaled', 'VersionCreated', 'VersionSwitched', 'InstanceDraining', 'InstanceStopped', 'ServiceStopped']) {
    assert.ok(reasons.has(r), `no ${r} event in ${[...reasons].join(', ')}`);
  }
  assert.ok(events.every((e) => e.Message.length > 0));
});

test('a custom JavaScript processor deploys from the example and scores', async () => {
  const dir = join(PACKAGE_ROOT, 'examples', 'scorer');
  const d = await easel.deploy({ name: 'scorer', processor_path: dir, processor_entry: 'index.mjs', model_path: join(dir, 'model.json') });
  const r = await easel.predict('scorer', '{"features":[24, 80, 1]}', { token: d.AccessToken });
  assert.equal(r.status, 200, r.text);
  const score = r.json<{ score: number }>().score;
  assert.ok(score > 0 && score < 1);
  const bad = await easel.predict('scorer', '{"features":"many"}', { token: d.AccessToken });
  assert.equal(bad.status, 400);
});

test('a container service runs the python example model server', async () => {
  const d = await easel.deploy({
    name: 'churn_py',
    containers: [{ script: 'exec python3 -u pyserver/server.py', working_dir: join(PACKAGE_ROOT, 'examples') }],
    health_check: { type: 'http', path: '/health' },
  });
  const r = await easel.predict('churn_py', '[{"tenure_months":3,"monthly_charges":80,"support_calls":5}]', { token: d.AccessToken });
  assert.equal(r.status, 200, r.text);
  assert.ok((r.json<{ probability: number }[]>()[0]?.probability ?? 0) > 0.5);
  const sub = await call('GET', `${easel.gatewayUrl}/api/predict/churn_py/health`, { headers: { authorization: d.AccessToken } });
  assert.equal(sub.json<{ status: string }>().status, 'ok', 'sub-paths reach the container');
});

test('a deleted service disappears from the API and the gateway', async () => {
  const { AccessToken } = await easel.describe('echo');
  const r = await easel.api('DELETE', '/api/v2/services/echo');
  assert.equal(r.status, 200);
  assert.equal(r.json<ServiceDescription>().Status, 'Deleting');
  await waitFor('echo gone', async () => ((await easel.api('GET', '/api/v2/services/echo')).status === 404 ? true : undefined));
  const call = await easel.predict('echo', 'x', { token: AccessToken });
  assert.equal(call.status, 404);
  assert.equal(call.json<{ code: string }>().code, 'EASEL_UNKNOWN_SERVICE');
});
