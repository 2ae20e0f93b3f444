// Faults through a real `easel up`: an instance killed under load, a crash loop, and custom
// processors that throw, hang and leak memory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { waitFor } from './helpers/wait.js';
import { runLoad } from './helpers/load.js';

const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'processors');
let easel: EaselProcess;

before(async () => {
  easel = await startEasel();
});

after(async () => {
  await cleanup(easel);
});

test('an instance killed with SIGKILL under load is replaced; only requests in flight on it fail', async () => {
  const d = await easel.deploy({ name: 'steady', processor: 'echo', metadata: { instance: 2 } });
  const [victim] = await easel.instances('steady');
  assert.ok(victim);
  const concurrency = 4;
  const load = runLoad({ url: `${easel.gatewayUrl}/api/predict/steady`, token: d.AccessToken, concurrency });
  await waitFor('some traffic', () => (load.ok > 200 ? true : undefined));
  process.kill(victim.Pid, 'SIGKILL');
  await waitFor('the killed instance restarted and ready', async () => {
    const v = (await easel.instances('steady')).find((i) => i.InstanceName === victim.InstanceName);
    return v !== undefined && v.RestartCount >= 1 && v.Ready ? v : undefined;
  });
  const okAtRecovery = load.ok;
  await waitFor('traffic after recovery', () => (load.ok > okAtRecovery + 200 ? true : undefined));
  const result = await load.stop();
  assert.ok(result.failed <= concurrency, `at most the ${concurrency} requests in flight may fail, ${result.failed} did: ${result.errors.slice(0, 5).join('; ')}`);
  const after = (await easel.instances('steady')).find((i) => i.InstanceName === victim.InstanceName);
  assert.equal(after?.LastState?.Signal, 'SIGKILL');
  assert.ok((await easel.events('steady')).some((e) => e.Reason === 'InstanceCrashed' && e.InstanceName === victim.InstanceName));
});

test('a crash loop marks the service Failed with the exit code and the last log lines', async () => {
  const r = await easel.api('POST', '/api/v2/services', {
    name: 'crashy',
    containers: [{ script: "echo 'loading model...'; echo 'fatal: model file is corrupt' >&2; exit 3" }],
  });
  assert.equal(r.status, 200, r.text);
  const d = await easel.waitStatus('crashy', 'Failed', 60_000);
  assert.match(d.Reason, /exited with code 3/);
  assert.match(d.Reason, /fatal: model file is corrupt/);
  const [inst] = await easel.instances('crashy');
  assert.equal(inst?.LastState?.ExitCode, 3);
  assert.ok((inst?.RestartCount ?? 0) >= 2);
  assert.ok((await easel.events('crashy')).some((e) => e.Reason === 'ServiceFailed'));
  await easel.api('DELETE', '/api/v2/services/crashy');
});

test('a processor that throws gets 500 with its message, and the instance keeps serving', async () => {
  const d = await easel.deploy({ name: 'thrower', processor_path: join(FIXTURES, 'throws.mjs') });
  const r = await easel.predict('thrower', 'x', { token: d.AccessToken });
  assert.equal(r.status, 500);
  assert.equal(r.json<{ code: string }>().code, 'EASEL_PROCESSOR_FAILED');
  assert.match(r.json<{ message: string }>().message, /scoring exploded/);
  const again = await easel.predict('thrower', 'x', { token: d.AccessToken });
  assert.equal(again.status, 500);
  assert.equal((await easel.instances('thrower'))[0]?.RestartCount, 0);
});

test('a processor that hangs gets 408 at rpc.keepalive and the instance recovers', async () => {
  const d = await easel.deploy({ name: 'hanger', processor_path: join(FIXTURES, 'hangs-sync.mjs'), metadata: { rpc: { keepalive: 1000 } } });
  const r = await easel.predict('hanger', 'hang', { token: d.AccessToken });
  assert.equal(r.status, 408);
  assert.equal(r.json<{ code: string }>().code, 'EASEL_DEADLINE_EXCEEDED');
  const ok = await waitFor('the processor to answer again', async () => {
    const res = await easel.predict('hanger', 'fine', { token: d.AccessToken });
    return res.status === 200 ? res : undefined;
  });
  assert.equal(ok.text, 'ok fine');
});

test('a processor that leaks memory past metadata.memory is OOMKilled and its instance replaced', async () => {
  const d = await easel.deploy({ name: 'leaker', processor_path: join(FIXTURES, 'leaks.mjs'), metadata: { memory: 200 } });
  // Each request keeps 20 MB; a few requests push the instance over 200 MB.
  for (let i = 0; i < 15; i++) {
    const res = await easel.predict('leaker', 'x', { token: d.AccessToken });
    if (res.status !== 200) break;
  }
  const inst = await waitFor('an OOMKilled instance restarted', async () => {
    const [i] = await easel.instances('leaker');
    return i?.LastState?.Reason === 'OOMKilled' && i.RestartCount >= 1 ? i : undefined;
  });
  assert.match(inst.LastState?.Message ?? '', /metadata\.memory/);
  assert.ok((await easel.events('leaker')).some((e) => e.Reason === 'InstanceOOMKilled'));
  await waitFor('the replacement serving', async () => ((await easel.describe('leaker')).RunningInstance === 1 ? true : undefined));
  const fresh = await easel.predict('leaker', 'x', { token: d.AccessToken });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.json<{ retainedMb: number }>().retainedMb, 20, 'the replacement starts from a clean heap');
});

