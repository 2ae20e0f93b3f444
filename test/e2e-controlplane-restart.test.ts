// kill -9 of the control plane loses no service: the gateway keeps serving from its last
// routing table, and the restarted control plane re-adopts running instances and restarts
// the ones that died meanwhile.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventDescription, InstanceDescription } from '../src/contract/api.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { waitFor } from './helpers/wait.js';
import { runLoad } from './helpers/load.js';

let first: EaselProcess | undefined;
let second: EaselProcess | undefined;

after(async () => {
  await cleanup(second ?? first);
});

test('the gateway serves through a control-plane kill -9 and the restart re-adopts every instance', async () => {
  first = await startEasel();
  const d = await first.deploy({ name: 'keep', processor: 'echo', metadata: { instance: 2 } });
  await first.deploy({ name: 'other', containers: [{ script: 'exec node -e "require(\'http\').createServer((q,s)=>s.end(\'hi\')).listen(process.env.PORT)"' }] });
  const before = (await first.api('GET', '/api/v2/services/keep/instances')).json<InstanceDescription[]>();

  const load = runLoad({ url: `${first.gatewayUrl}/api/predict/keep`, token: d.AccessToken, concurrency: 2 });
  await waitFor('traffic', () => (load.ok > 50 ? true : undefined));
  await first.kill9();
  const okAtKill = load.ok;
  await waitFor('traffic while the control plane is down', () => (load.ok > okAtKill + 200 ? true : undefined));

  // One instance dies while nobody watches; the new control plane must notice and restart it.
  const [lost, kept] = before;
  assert.ok(lost && kept);
  process.kill(lost.Pid, 'SIGKILL');

  second = await startEasel({ home: first.home, port: first.cpPort, gatewayPort: first.gatewayPort, tag: first.tag });
  const services = (await second.api('GET', '/api/v2/services')).json<{ TotalCount: number }>();
  assert.equal(services.TotalCount, 2);
  await waitFor('both instances serving again', async () => ((await second?.describe('keep'))?.RunningInstance === 2 ? true : undefined));
  await second.waitStatus('other', 'Running');

  const after = (await second.api('GET', '/api/v2/services/keep/instances')).json<InstanceDescription[]>();
  const keptNow = after.find((i) => i.InstanceName === kept.InstanceName);
  assert.equal(keptNow?.Pid, kept.Pid, 'the surviving instance was adopted, not restarted');
  assert.equal(keptNow?.RestartCount, 0);
  const events = (await second.api('GET', '/api/v2/services/keep/events?limit=1000')).json<EventDescription[]>();
  assert.ok(events.some((e) => e.Reason === 'InstanceAdopted' && e.InstanceName === kept.InstanceName));
  assert.ok(events.some((e) => e.InstanceName === lost.InstanceName && (e.Reason === 'InstanceLost' || e.Reason === 'InstanceCrashed')));

  const result = await load.stop();
  // The instance killed on purpose may fail the requests it held; nothing else may fail.
  assert.ok(result.failed <= 2, `failed: ${result.errors.slice(0, 5).join('; ')}`);
});
