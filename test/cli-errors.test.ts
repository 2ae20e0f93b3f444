// What the `easel` command says when things go wrong: bad specs, failing services, timeouts,
// an unreachable control plane, a wrong token, usage mistakes. Each prints `error:` and,
// where there is one, a `hint:`, and exits 1 (failure) or 2 (usage).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceDescription, ServiceList } from '../src/contract/api.js';
import { easel, expectCode, FIXTURES, startStack, type Stack } from './cli-harness.js';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack.close();
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

void test('a bad spec is rejected with every problem and its path', async () => {
  const result = expectCode(await easel(stack, ['create', join(FIXTURES, 'bad.json')]), 1, 'create bad spec');
  const lines = result.stderr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^error: the service spec has \d+ problem\(s\):$/);
  for (const path of ['metadata.instance', 'metadata.rpc.keepalive', 'name', 'tokn']) {
    assert.ok(lines.some((l) => l.startsWith(`  ${path}: `)), `no problem listed for ${path}:\n${result.stderr}`);
  }
  assert.ok(lines.includes('  tokn: unknown field "tokn" (did you mean "token"?)'), result.stderr);
  assert.match(lines[lines.length - 1] ?? '', /^hint: fix each field listed/);
  assert.equal(result.stdout, '');
});

void test('malformed JSON is reported with line and column before anything is sent', async () => {
  const result = expectCode(await easel(stack, ['create', join(FIXTURES, 'broken.json')]), 1, 'create broken JSON');
  assert.match(result.stderr, /broken\.json:4:1: invalid JSON: trailing commas are not allowed in JSON\n {2}\}\n {2}\^/);
});

void test('a missing spec file is named', async () => {
  const result = expectCode(await easel(stack, ['create', 'nope.json']), 1, 'create missing file');
  assert.match(result.stderr, /^error: cannot read spec file nope\.json: no such file$/m);
});

void test('a service that keeps crashing fails the create with its reason and last output', async () => {
  const result = expectCode(await easel(stack, ['create', join(FIXTURES, 'crash.json')]), 1, 'create crashing service');
  assert.match(result.stderr, /^error: service "crashy" failed: instance crashy-\S+ exited with code 3/m);
  assert.match(result.stderr, /^ {2}fatal: model file is corrupt$/m);
  assert.match(result.stderr, /^hint: see `easel events crashy` and `easel logs crashy`$/m);

  const events = expectCode(await easel(stack, ['events', 'crashy']), 0, 'events');
  assert.match(events.stdout, /Warning +ServiceFailed/);
  // The failure message spans lines; each continuation stays inside the MESSAGE column.
  const lines = events.stdout.split('\n');
  const column = lines[0]?.indexOf('MESSAGE') ?? -1;
  const output = lines.find((l) => l.includes('fatal: model file is corrupt'));
  assert.ok(output !== undefined, events.stdout);
  assert.equal(output.slice(0, column).trim(), '');
});

void test('create --timeout gives up with a hint when the service does not become ready', async () => {
  const dir = join(stack.dir, 'slow');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'slow.json'), JSON.stringify({ name: 'slow', containers: [{ script: 'exec sleep 60' }], metadata: { termination_grace_period: 1 } }));
  const result = expectCode(await easel(stack, ['create', join(dir, 'slow.json'), '--timeout', '1']), 1, 'create with timeout');
  assert.match(result.stderr, /^error: timed out after 1 s waiting for service "slow" to be running \(now Creating/m);
  assert.match(result.stderr, /^hint: see what is happening with `easel events slow` and `easel w slow`/m);
  expectCode(await easel(stack, ['delete', 'slow', '-y', '--no-wait']), 0, 'delete slow');
});

void test('create --no-wait returns at once; creating the same service again names the fix', async () => {
  const created = JSON.parse(expectCode(await easel(stack, ['create', join(FIXTURES, 'echo.json'), '--no-wait', '--json']), 0, 'create --no-wait').stdout) as ServiceDescription;
  assert.equal(created.ServiceName, 'echo');
  const again = expectCode(await easel(stack, ['create', join(FIXTURES, 'echo.json')]), 1, 'create twice');
  assert.match(again.stderr, /^error: service "echo" already exists$/m);
  assert.match(again.stderr, /^hint: change it with `easel modify echo -s <file>` or delete it first$/m);
});

void test('an unknown service names the way to list services', async () => {
  const result = expectCode(await easel(stack, ['w', 'ghost']), 1, 'w ghost');
  assert.equal(result.stderr, 'error: service "ghost" does not exist\nhint: list services with `easel ls`\n');
});

void test('an unknown instance names the way to list instances', async () => {
  for (const args of [['logs', 'echo', '--instance', 'nope'], ['dw', 'echo', 'nope']]) {
    const result = expectCode(await easel(stack, args), 1, `easel ${args.join(' ')}`);
    assert.equal(result.stderr, 'error: service "echo" has no instance "nope"\nhint: list instances with `easel w echo`\n');
  }
});

void test('a modify the server rejects lists the problems', async () => {
  const result = expectCode(await easel(stack, ['modify', 'echo', '-D', 'metadata.instance=-2', '-D', 'metadata.rpc.keepalive=fast']), 1, 'bad modify');
  assert.match(result.stderr, /^ {2}metadata\.instance: must be ≥ 0$/m);
  assert.match(result.stderr, /^ {2}metadata\.rpc\.keepalive: expected .*, got string "fast"$/m);
});

void test('switching to a version that does not exist names the way to list them', async () => {
  const result = expectCode(await easel(stack, ['version', 'echo', '7']), 1, 'version 7');
  assert.match(result.stderr, /^error: service "echo" has no version 7$/m);
  assert.match(result.stderr, /^hint: list versions with `easel version echo`$/m);
});

void test('an unreachable control plane is named with how to start one', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const result = expectCode(await easel(stack, ['ls', '--endpoint', url], { noEndpoint: true }), 1, 'ls against a closed port');
  assert.equal(result.stderr, `error: cannot reach the control plane at ${url}\nhint: start it with \`npm start\` (or \`easel up\`), or pass --endpoint\n`);
});

void test('a wrong token is refused with a hint about where the token came from', async () => {
  const fromEnv = expectCode(await easel(stack, ['ls'], { env: { EASEL_TOKEN: 'not-the-token' } }), 1, 'wrong token in env');
  assert.match(fromEnv.stderr, /^error: missing or invalid admin token$/m);
  assert.match(fromEnv.stderr, /^hint: \$EASEL_TOKEN does not hold the admin token of the control plane at /m);

  const emptyHome = join(stack.dir, 'elsewhere');
  const none = expectCode(await easel(stack, ['ls', '--home', emptyHome], { env: { EASEL_TOKEN: undefined } }), 1, 'no token at all');
  assert.match(none.stderr, new RegExp(`^hint: no admin token found: ${emptyHome}/admin\\.token does not exist`, 'm'));
});

void test('without flags the CLI finds the control plane and its token through the home folder', async () => {
  const result = expectCode(await easel(stack, ['ls', '--json'], { noEndpoint: true, env: { EASEL_TOKEN: undefined } }), 0, 'ls via home');
  const list = JSON.parse(result.stdout) as ServiceList;
  assert.ok(list.Services.some((s) => s.ServiceName === 'echo'));
});

void test('predict without a known gateway says how to name one', async () => {
  const result = expectCode(await easel(stack, ['predict', 'echo', '-d', 'x']), 1, 'predict without gateway');
  assert.match(result.stderr, /^error: no gateway address is known for service "echo"$/m);
  assert.match(result.stderr, /^hint: pass --gateway <url> or set \$EASEL_GATEWAY/m);

  const url = `http://127.0.0.1:${await closedPort()}`;
  const refused = expectCode(await easel(stack, ['predict', 'echo', '-d', 'x', '--gateway', url]), 1, 'predict against a closed port');
  assert.match(refused.stderr, new RegExp(`^error: cannot reach the gateway at ${url}: connection refused$`, 'm'));
});

void test('usage mistakes exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['delete', 'echo'], /^error: pass -y to delete without asking$/m],
    [['modify', 'echo'], /^error: nothing to change: give -D key=value/m],
    [['modify', 'echo', '-D', 'metadata.instance=2', '-s', 'x.json'], /^error: give either -D key=value or -s <file>, not both$/m],
    [['modify', 'echo', '-D', 'containers[0].port=1'], /items of a list cannot be set one by one/],
    [['create', 'x.json', '--timeout', 'soon'], /option '--timeout <seconds>' argument 'soon' is invalid/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['create'], /missing required argument 'file'/],
    [['predict', 'echo'], /required option '-d, --data <data\|@file>' not specified/],
    [['ls', '--endpoint', 'localhost:8081'], /--endpoint must be an http\(s\) URL/],
    [['predict', 'echo', '-d', 'x', '--gateway', 'localhost:8080'], /--gateway must be an http\(s\) URL/],
    [['gateway', '--control-plane', 'localhost:8081'], /--control-plane must be an http\(s\) URL/],
  ];
  for (const [args, message] of cases) {
    const result = expectCode(await easel(stack, args, { noEndpoint: args.includes('--endpoint') }), 2, `easel ${args.join(' ')}`);
    assert.match(result.stderr, message, `easel ${args.join(' ')}`);
  }
  assert.ok(stack.cp.services.list().Services.some((s) => s.ServiceName === 'echo'), 'delete without -y deleted nothing');
});

void test('--help and --version exit 0', async () => {
  const help = expectCode(await easel(stack, ['--help'], { noEndpoint: true }), 0, '--help');
  for (const command of ['create', 'modify', 'ls', 'desc', 'w', 'dw', 'start', 'stop', 'delete', 'version', 'logs', 'events', 'predict', 'up', 'gateway', 'instance']) {
    assert.match(help.stdout, new RegExp(`^ {2}${command}[ |]`, 'm'), `--help lists ${command}`);
  }
  const createHelp = expectCode(await easel(stack, ['create', '--help'], { noEndpoint: true }), 0, 'create --help');
  assert.match(createHelp.stdout, /Examples:\n {2}\$ easel create/);
  const version = expectCode(await easel(stack, ['--version'], { noEndpoint: true }), 0, '--version');
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
});
