import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSpec, validateSpec } from '../../contract/index.js';
import type { LaunchRequest } from '../types.js';
import { planCommand, requestedPort, type CommandContext } from './command.js';

function request(input: Record<string, unknown>): LaunchRequest {
  const v = validateSpec(input);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return { instance: 'svc-v2-abcde', service: 'svc', version: 2, spec: v.spec, resolved: resolveSpec(v.spec) };
}

const ctx: CommandContext = {
  port: 4321,
  folder: '/tmp/home/instances/svc-v2-abcde',
  configPath: '/tmp/home/instances/svc-v2-abcde/instance.json',
  instanceHostCommand: ['/usr/bin/node', '/opt/easel/bin/easel.js'],
  modelsDir: '/tmp/home/models',
  baseEnv: { PATH: '/bin', PORT: '1', GONE: undefined },
};

void test('script and command strings run through /bin/sh -c; arrays are exec’d directly', () => {
  const script = planCommand(request({ name: 'svc', containers: [{ script: 'python3 -m http.server $PORT' }] }), ctx);
  assert.deepEqual([script.file, script.args], ['/bin/sh', ['-c', 'python3 -m http.server $PORT']]);
  const line = planCommand(request({ name: 'svc', containers: [{ command: 'node server.js' }] }), ctx);
  assert.deepEqual([line.file, line.args], ['/bin/sh', ['-c', 'node server.js']]);
  const argv = planCommand(request({ name: 'svc', containers: [{ command: ['/usr/bin/node', 'a b.js'] }] }), ctx);
  assert.deepEqual([argv.file, argv.args], ['/usr/bin/node', ['a b.js']]);
  assert.equal(argv.instanceConfig, null);
});

void test('a container runs in its working_dir, else in the instance folder', () => {
  assert.equal(planCommand(request({ name: 'svc', containers: [{ script: 'x' }] }), ctx).cwd, ctx.folder);
  assert.equal(planCommand(request({ name: 'svc', containers: [{ script: 'x', working_dir: '/srv' }] }), ctx).cwd, '/srv');
});

void test('env: ours over the container’s over the inherited; unset values dropped', () => {
  const plan = planCommand(request({ name: 'svc', containers: [{ script: 'x', env: [{ name: 'A', value: '1' }, { name: 'PORT', value: '9' }] }] }), ctx);
  assert.equal(plan.env.PATH, '/bin');
  assert.equal(plan.env.A, '1');
  assert.equal(plan.env.PORT, '4321');
  assert.equal(plan.env.EASEL_SERVICE, 'svc');
  assert.equal(plan.env.EASEL_INSTANCE, 'svc-v2-abcde');
  assert.equal(plan.env.EASEL_VERSION, '2');
  assert.ok(!('GONE' in plan.env));
});

void test('processor services run `easel instance --config <file>` with an InstanceConfig', () => {
  const req = request({ name: 'svc', processor: 'echo' });
  const plan = planCommand(req, ctx);
  assert.equal(plan.file, '/usr/bin/node');
  assert.deepEqual(plan.args, ['/opt/easel/bin/easel.js', 'instance', '--config', ctx.configPath]);
  assert.deepEqual(plan.instanceConfig, { service: 'svc', instance: 'svc-v2-abcde', version: 2, host: '127.0.0.1', port: 4321, dir: ctx.folder, modelsDir: '/tmp/home/models', spec: req.spec });
});

void test('only containers may ask for a port', () => {
  assert.equal(requestedPort(request({ name: 'svc', containers: [{ script: 'x', port: 8080 }] })), 8080);
  assert.equal(requestedPort(request({ name: 'svc', containers: [{ script: 'x' }] })), undefined);
  assert.equal(requestedPort(request({ name: 'svc', processor: 'echo' })), undefined);
});
