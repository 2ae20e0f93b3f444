// A rolling update under continuous load completes with zero failed requests: new instances
// are ready before old ones drain, gateways stop routing to an instance before it is stopped,
// and a draining instance finishes what it holds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceDescription } from '../src/contract/api.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { waitFor } from './helpers/wait.js';
import { runLoad } from './helpers/load.js';

let easel: EaselProcess;

before(async () => {
  easel = await startEasel();
});

after(async () => {
  await cleanup(easel);
});

async function versions(): Promise<number[]> {
  const list = (await easel.api('GET', '/api/v2/services/roll/instances')).json<InstanceDescription[]>();
  return list.map((i) => i.Version);
}

test('two rolling updates and a rollback under load lose no request', async () => {
  const d = await easel.deploy({ name: 'roll', processor: 'echo', metadata: { instance: 2 } });
  const load = runLoad({ url: `${easel.gatewayUrl}/api/predict/roll`, token: d.AccessToken, concurrency: 4 });
  await waitFor('traffic', () => (load.ok > 100 ? true : undefined));

  for (const [change, version] of [
    [{ metadata: { rpc: { keepalive: 6000 } } }, 2],
    [{ metadata: { rpc: { keepalive: 7000 } } }, 3],
  ] as const) {
    const r = await easel.api('PUT', '/api/v2/services/roll', change);
    assert.equal(r.status, 200, r.text);
    await waitFor(`version ${version} everywhere`, async () => {
      const v = await versions();
      const desc = await easel.describe('roll');
      return desc.Status === 'Running' && v.length === 2 && v.every((x) => x === version) ? true : undefined;
    }, 60_000);
  }
  const back = await easel.api('PUT', '/api/v2/services/roll/version', { Version: 1 });
  assert.equal(back.status, 200, back.text);
  await waitFor('back on version 1', async () => {
    const v = await versions();
    return (await easel.describe('roll')).Status === 'Running' && v.length === 2 && v.every((x) => x === 1) ? true : undefined;
  }, 60_000);

  const okBeforeEnd = load.ok;
  await waitFor('traffic after the updates', () => (load.ok > okBeforeEnd + 100 ? true : undefined));
  const result = await load.stop();
  assert.equal(result.failed, 0, `failed requests: ${result.errors.slice(0, 5).join('; ')}`);
  assert.ok(result.ok > 300);
});
