// The life of a service through the real `easel` command: create, list, describe, call,
// scale, new version, switch back, logs, events, restart an instance, stop, start, delete.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EventDescription, InstanceDescription, ServiceDescription, ServiceList, VersionDescription } from '../src/contract/api.js';
import { easel, eventually, expectCode, FIXTURES, startStack, type Stack } from './cli-harness.js';

let stack: Stack;

before(async () => {
  stack = await startStack({ gateway: true });
});

after(async () => {
  await stack.close();
});

async function ok(args: string[], what = `easel ${args.join(' ')}`): Promise<string> {
  return expectCode(await easel(stack, args), 0, what).stdout;
}

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

interface WebAnswer {
  greeting: string;
  version: number;
  instance: string;
  path: string;
  contentType: string | null;
  body: string;
}

void test('create waits until the echo service runs and prints how to call it', async () => {
  const result = expectCode(await easel(stack, ['create', join(FIXTURES, 'echo.json')]), 0, 'create echo');
  assert.match(result.stderr, /service "echo" is running \(1\/1 instance ready\)/);
  const echo = stack.cp.services.describe('echo');
  assert.equal(echo.Status, 'Running');
  assert.match(result.stdout, new RegExp(`Endpoint +${stack.gatewayUrl}/api/predict/echo`));
  assert.match(result.stdout, new RegExp(`Token +${echo.AccessToken}`));
  assert.ok(result.stdout.includes(`curl -H 'Authorization: ${echo.AccessToken}'`), result.stdout);
});

void test('create --json prints the running service; relative paths are resolved against the spec file', async () => {
  const web = JSON.parse(await ok(['create', join(FIXTURES, 'web', 'web.json'), '--json'])) as ServiceDescription;
  assert.equal(web.ServiceName, 'web');
  assert.equal(web.Status, 'Running');
  assert.equal(web.RunningInstance, 1);
  assert.equal(web.ServiceConfig.containers?.[0]?.working_dir, join(FIXTURES, 'web'));
});

void test('ls lists the services as a table and as JSON', async () => {
  const lines = (await ok(['ls'])).trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^NAME +INSTANCE +VERSION +STATUS +CREATETIME +UPDATETIME +SERVICEPATH$/);
  assert.match(lines.find((l) => l.startsWith('echo ')) ?? '', /^echo +1\/1 +1\/1 +Running +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\S+ +\S+ +\/api\/predict\/echo$/);
  assert.match(lines.find((l) => l.startsWith('web ')) ?? '', /^web +1\/1 +1\/1 +Running /);
  const list = await json<ServiceList>(['ls']);
  assert.equal(list.TotalCount, 2);
  assert.deepEqual(list.Services.map((s) => s.ServiceName).sort(), ['echo', 'web']);
});

void test('desc shows the status, token, endpoint and spec', async () => {
  const out = await ok(['desc', 'web']);
  const web = stack.cp.services.describe('web');
  assert.match(out, /^Name +web$/m);
  assert.match(out, /^Status +Running$/m);
  assert.match(out, /^Instances +1 running \/ 1 desired \(1 in total\)$/m);
  assert.match(out, new RegExp(`^AccessToken +${web.AccessToken}$`, 'm'));
  assert.match(out, new RegExp(`^Endpoint +${stack.gatewayUrl}/api/predict/web$`, 'm'));
  assert.match(out, /^Spec:\n\{\n {2}"name": "web",/m);
  const described = await json<ServiceDescription>(['desc', 'web']);
  assert.equal(described.AccessToken, web.AccessToken);
});

void test('w lists the instances with their process details', async () => {
  const lines = (await ok(['w', 'web'])).trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^INSTANCE +IP +PORT +PID +VERSION +STATUS +READY +RESTARTS +LASTSTATE +CPU% +RSS +AGE$/);
  assert.equal(lines.length, 2);
  assert.match(lines[1] ?? '', /^web-\S+ +127\.0\.0\.1 +\d+ +\d+ +1 +Running +1\/1 +0 +- +\S+ +\S+( \S+)? +\d+[smhd]/);
  const instances = await json<InstanceDescription[]>(['w', 'web']);
  assert.equal(instances.length, 1);
  assert.equal(instances[0]?.Ready, true);
});

void test('predict calls a service through the gateway and prints the body as it is', async () => {
  assert.equal(await ok(['predict', 'echo', '-d', '{"x": 1}']), '{"x": 1}');
  const answer = JSON.parse(await ok(['predict', 'web', '-d', 'hello', '--path', 'sub/path?q=1'])) as WebAnswer;
  assert.equal(answer.path, '/sub/path?q=1');
  assert.equal(answer.body, 'hello');
  assert.equal(answer.contentType, 'application/octet-stream');
  const typed = JSON.parse(await ok(['predict', 'web', '-d', '[1,2]'])) as WebAnswer;
  assert.equal(typed.contentType, 'application/json');
});

void test('predict reads the body from a file or from standard input', async () => {
  const file = join(stack.dir, 'request.txt');
  await writeFile(file, 'line one\nline two\n');
  assert.equal(await ok(['predict', 'echo', '-d', `@${file}`]), 'line one\nline two\n');
  const piped = expectCode(await easel(stack, ['predict', 'echo', '-d', '@-', '--content-type', 'text/plain'], { input: 'from stdin' }), 0, 'predict -d @-');
  assert.equal(piped.stdout, 'from stdin');
  const missing = expectCode(await easel(stack, ['predict', 'echo', '-d', '@nope.txt']), 1, 'predict -d @missing');
  assert.match(missing.stderr, /^error: cannot read nope\.txt: no such file$/m);
});

void test('modify -D scales in place and waits until every instance is ready', async () => {
  const result = expectCode(await easel(stack, ['modify', 'web', '-D', 'metadata.instance=2']), 0, 'scale');
  assert.match(result.stderr, /service "web" is running \(2\/2 instances ready\)/);
  const instances = await json<InstanceDescription[]>(['w', 'web']);
  assert.equal(instances.length, 2);
  assert.ok(instances.every((i) => i.Ready && i.Version === 1));
  assert.equal(stack.cp.services.describe('web').LatestVersion, 1, 'scaling makes no new version');
});

void test('modify with nothing to change says so', async () => {
  assert.match(await ok(['modify', 'web', '-D', 'metadata.instance=2']), /already matches: nothing changed/);
});

void test('modify -s rolls out a new version', async () => {
  const result = expectCode(await easel(stack, ['modify', 'web', '-s', join(FIXTURES, 'web', 'web-v2.json')]), 0, 'new version');
  assert.match(result.stderr, /rolling out version 2/);
  const web = stack.cp.services.describe('web');
  assert.equal(web.CurrentVersion, 2);
  assert.equal(web.ServiceConfig.containers?.[0]?.working_dir, join(FIXTURES, 'web'), 'the partial spec got its folder too');
  const instances = await json<InstanceDescription[]>(['w', 'web']);
  assert.equal(instances.length, 2);
  assert.ok(instances.every((i) => i.Version === 2 && i.Ready));
  const answer = JSON.parse(await ok(['predict', 'web', '-d', 'x'])) as WebAnswer;
  assert.equal(answer.greeting, 'v2');
});

void test('version lists the versions with the current one marked, and switches back', async () => {
  const lines = (await ok(['version', 'web'])).trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^ +VERSION +CREATETIME +INSTANCE +SOURCE$/);
  assert.match(lines[1] ?? '', /^ +1 +\S+ \S+ +\d +script: node server\.mjs$/);
  assert.match(lines[2] ?? '', /^\* +2 /);
  const versions = await json<VersionDescription[]>(['version', 'web']);
  assert.deepEqual(versions.map((v) => [v.Version, v.Current]), [[1, false], [2, true]]);

  const result = expectCode(await easel(stack, ['version', 'web', '1']), 0, 'switch to version 1');
  assert.match(result.stderr, /service "web" is running/);
  assert.equal(stack.cp.services.describe('web').CurrentVersion, 1);
  const answer = JSON.parse(await ok(['predict', 'web', '-d', 'x'])) as WebAnswer;
  assert.equal(answer.greeting, 'hello');
  assert.equal(answer.version, 1);
});

void test('logs prints the output of every instance, or of one', async () => {
  const all = await ok(['logs', 'web']);
  assert.match(all, /^\[web-\S+\] web server web-\S+ listening on \d+$/m);
  const [first] = stack.cp.services.instances('web');
  assert.ok(first !== undefined);
  const one = await ok(['logs', 'web', '--instance', first.InstanceName]);
  assert.match(one, new RegExp(`^web server ${first.InstanceName} listening on \\d+$`, 'm'));
  assert.ok(!one.includes('['), 'lines of one instance carry no prefix');
  const last = await ok(['logs', 'web', '--instance', first.InstanceName, '--tail', '1']);
  assert.equal(last, `${one.trimEnd().split('\n').pop() ?? ''}\n`);
});

void test('logs -f streams new lines as they come until Ctrl-C', async () => {
  const token = stack.cp.services.describe('web').AccessToken;
  let called: Promise<unknown> | undefined;
  // Once the existing lines are shown, a call makes an instance print a new one.
  const result = await easel(stack, ['logs', 'web', '-f', '--tail', '1'], {
    onStdout: (out) => {
      if (called === undefined && out.includes('\n')) {
        called = fetch(`${stack.gatewayUrl}/api/predict/web/followed`, { method: 'POST', headers: { authorization: token }, body: 'x' }).then((r) => r.text());
      }
    },
    interruptWhen: /request POST \/followed/,
  });
  await called;
  expectCode(result, 0, 'logs -f ended by Ctrl-C');
  assert.match(result.stdout, /^\[web-\S+\] request POST \/followed$/m);
});

void test('events shows what happened, as a table and as JSON', async () => {
  const out = await ok(['events', 'web']);
  assert.match(out.split('\n')[0] ?? '', /^TIME +TYPE +REASON +INSTANCE +MESSAGE$/);
  assert.match(out, /ServiceCreated/);
  assert.match(out, /VersionCreated/);
  const events = await json<EventDescription[]>(['events', 'web', '--limit', '2']);
  assert.equal(events.length, 2);
  assert.ok((events[0]?.Id ?? 0) < (events[1]?.Id ?? 0), 'oldest first');
});

void test('dw replaces the named instances', async () => {
  const [first] = stack.cp.services.instances('web');
  assert.ok(first !== undefined);
  const out = await ok(['dw', 'web', first.InstanceName]);
  assert.equal(out, `instance ${first.InstanceName} is stopping; a new instance replaces it\n`);
  await eventually('a new instance to replace it', () => {
    const now = stack.cp.services.instances('web');
    return now.length === 2 && now.every((i) => i.Ready && i.InstanceName !== first.InstanceName) ? true : undefined;
  });
});

void test('stop waits until no instance is left; a stopped service takes changes; start runs it again', async () => {
  const stopped = expectCode(await easel(stack, ['stop', 'web']), 0, 'stop');
  assert.match(stopped.stderr, /service "web" stopped/);
  assert.equal(stack.cp.services.describe('web').Status, 'Stopped');
  assert.equal(stack.cp.services.instances('web').length, 0);

  const failed = expectCode(await easel(stack, ['predict', 'web', '-d', 'x']), 1, 'predict a stopped service');
  assert.match(failed.stderr, /^error: service "web" is stopped$/m);
  assert.match(failed.stderr, /^hint: start it with `easel start web`$/m);

  // A stopped service takes changes without waiting for them to run.
  assert.match(await ok(['modify', 'web', '-D', 'metadata.instance=1']), /service "web" is stopped: the change applies when it starts/);

  const started = JSON.parse(await ok(['start', 'web', '--json'])) as ServiceDescription;
  assert.equal(started.Status, 'Running');
  assert.equal(started.RunningInstance, 1);
});

void test('delete -y waits until the service is gone', async () => {
  const result = expectCode(await easel(stack, ['delete', 'web', '-y']), 0, 'delete');
  assert.match(result.stderr, /service "web" deleted/);
  const missing = expectCode(await easel(stack, ['desc', 'web']), 1, 'desc after delete');
  assert.match(missing.stderr, /^error: service "web" does not exist$/m);
  assert.match(missing.stderr, /^hint: list services with `easel ls`$/m);
});
