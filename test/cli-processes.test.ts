// The commands that run easel's own processes, wired to their components: `easel gateway`
// routes calls of a real control plane, `easel up` runs a control plane that the other commands
// find through the home folder alone, and both stop cleanly on a signal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceList } from '../src/contract/api.js';
import { EASEL_BIN } from '../src/shared/paths.js';
import { easel, eventually, expectCode, FIXTURES, run, startEasel, startStack, type LongRunning, type Stack } from './cli-harness.js';

let stack: Stack;
const started: LongRunning[] = [];

before(async () => {
  stack = await startStack();
});

after(async () => {
  for (const p of started) p.kill();
  await stack.close();
});

function baseEnv(over: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...over };
  delete env.EASEL_ENDPOINT;
  delete env.EASEL_GATEWAY;
  return env;
}

void test('easel gateway routes calls to the instances of the control plane it watches', async () => {
  const gateway = startEasel(['gateway', '--control-plane', stack.cp.url, '--port', '0'], {
    env: baseEnv({ EASEL_TOKEN: stack.cp.adminToken, EASEL_HOME: join(stack.dir, 'home') }),
    cwd: stack.dir,
  });
  started.push(gateway);
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)/);
  assert.ok(url !== undefined);

  stack.cp.services.create({ name: 'web', containers: [{ script: 'node server.mjs', working_dir: join(FIXTURES, 'web') }] });
  // An instance serves once every connected gateway (this one) has applied the route to it.
  await eventually('web to run', () => (stack.cp.services.describe('web').Status === 'Running' ? true : undefined));

  const answer = expectCode(await easel(stack, ['predict', 'web', '-d', 'through the gateway', '--gateway', url]), 0, 'predict via easel gateway');
  assert.equal((JSON.parse(answer.stdout) as { body: string }).body, 'through the gateway');
  assert.equal(await gateway.stop('SIGTERM'), 0);
});

void test('easel gateway without an admin token says where to find one', async () => {
  const result = await run([EASEL_BIN, 'gateway', '--control-plane', stack.cp.url, '--port', '0'], {
    env: baseEnv({ EASEL_HOME: join(stack.dir, 'nowhere') }),
    cwd: stack.dir,
    timeoutMs: 30_000,
  });
  expectCode(result, 1, 'gateway without token');
  assert.match(result.stderr, /^error: the gateway needs the admin token to watch the control plane$/m);
  assert.match(result.stderr, /^hint: pass --token, set \$EASEL_TOKEN/m);
});

void test('easel up runs a control plane the other commands find through the home folder, and stops on Ctrl-C', async () => {
  const home = join(stack.dir, 'up-home');
  const env = baseEnv({ EASEL_HOME: home });
  delete env.EASEL_TOKEN;
  const up = startEasel(['up', '--port', '0', '--gateway-port', '0'], { env, cwd: stack.dir });
  started.push(up);
  try {
    // The banner comes once everything runs and Ctrl-C is handled.
    await up.waitFor(/Ctrl-C/, 60_000);
    assert.match(readLockUrl(home) ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, 'the control plane recorded its URL for the CLI');
    const result = await run([EASEL_BIN, 'ls', '--json'], { env, cwd: stack.dir, timeoutMs: 30_000 });
    const list = JSON.parse(expectCode(result, 0, 'ls against easel up').stdout) as ServiceList;
    assert.equal(list.TotalCount, 0);
    assert.equal(await up.stop('SIGINT', 30_000), 0);
  } finally {
    killRecordedGateway(home);
  }
});

function readLockUrl(home: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(home, 'controlplane.lock'), 'utf8')) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

/** The gateway `easel up` started runs in its own process group; never leave it behind. */
function killRecordedGateway(home: string): void {
  try {
    const record = JSON.parse(readFileSync(join(home, 'system', 'gateway.json'), 'utf8')) as { pid?: unknown };
    if (typeof record.pid === 'number') process.kill(-record.pid, 'SIGKILL');
  } catch {
    // no record (stopped cleanly) or already gone
  }
}
