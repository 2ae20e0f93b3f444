// `easel instance --config <file>` as a real child process: readiness, serving, JSON logs,
// SIGTERM drain with a request in flight, and the exit codes of a processor that cannot start.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { call, fixture, getJson, instanceConfig, ROOT, tempDir, waitFor } from './instance-support.js';

const INSTANCE_MODULE = pathToFileURL(join(ROOT, 'dist', 'src', 'instance', 'index.js')).href;
const EASEL_BIN = join(ROOT, 'bin', 'easel.js');

/**
 * cli: `node bin/easel.js instance --config <file>`, as the runtime starts it. module: the
 * module imported from an --eval script, whose flags the processor thread must not inherit.
 */
type Via = 'cli' | 'module';

interface Child {
  proc: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const proc of children) {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const cleanup of cleanups) await cleanup();
});

/** Runs the command on a config written to a temp folder. */
async function runInstance(via: Via, spec: Record<string, unknown>, rawConfig?: string): Promise<Child> {
  const dir = await tempDir();
  cleanups.push(() => dir.remove());
  const configPath = join(dir.path, 'instance.json');
  await writeFile(configPath, rawConfig ?? JSON.stringify(instanceConfig(spec, dir.path)));
  const script = `import(${JSON.stringify(INSTANCE_MODULE)}).then((m) => m.runInstanceCommand({ config: process.argv[1] }))`;
  const args = via === 'cli' ? [EASEL_BIN, 'instance', '--config', configPath] : ['--input-type=module', '-e', script, configPath];
  const proc = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  proc.stdout?.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    stdout.push(...parts);
  });
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stdout, stderr: () => stderr, exited };
}

function logLines(child: Child): Record<string, unknown>[] {
  return child.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function listeningPort(child: Child): Promise<number> {
  return waitFor('the listening log line', () => {
    const line = logLines(child).find((l) => l.msg === 'instance listening');
    return typeof line?.port === 'number' ? line.port : undefined;
  });
}

void describe('easel instance (child process)', () => {
  void it('serves echo, logs JSON lines with service and instance, and drains on SIGTERM with a request in flight', async () => {
    const child = await runInstance('cli', { processor_path: fixture('scorer.mjs'), model_config: { weights: [2], bias: 0 } });
    const port = await listeningPort(child);
    await waitFor('ready', async () => ((await getJson(port, '/__easel/ready')).status === 200 ? true : undefined));
    const scored = await call(port, { body: '{"features":[0]}' });
    assert.deepEqual(scored.json(), { score: 0.5 });

    const inFlight = call(port, { path: '/?delay=700', body: '' });
    await waitFor('the request in flight', async () => ((await getJson(port, '/__easel/stats')).body.inFlight === 1 ? true : undefined));
    child.proc.kill('SIGTERM');
    const r = await inFlight;
    assert.equal(r.status, 200);
    assert.equal(r.headers.connection, 'close');
    assert.deepEqual(await child.exited, { code: 0, signal: null });

    const lines = logLines(child);
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.equal(line.service, 'svc');
      assert.equal(line.instance, 'svc-v1-test');
    }
    assert.ok(lines.some((l) => l.msg === 'scorer initialized' && l.source === 'processor'));
    assert.ok(lines.some((l) => l.msg === 'draining'));
    assert.equal(child.stderr(), '');
  });

  void it('serves the built-in echo processor', async () => {
    const child = await runInstance('cli', { processor: 'echo' });
    const port = await listeningPort(child);
    await waitFor('ready', async () => ((await getJson(port, '/__easel/ready')).status === 200 ? true : undefined));
    const r = await call(port, { body: 'ping', headers: { 'content-type': 'text/plain' } });
    assert.equal(r.text, 'ping');
    assert.equal(r.headers['content-type'], 'text/plain');
    child.proc.kill('SIGINT');
    assert.equal((await child.exited).code, 0);
  });

  void it('exits 3 with one line on stderr when initialize() throws', async () => {
    const child = await runInstance('cli', { processor_path: fixture('bad-init.mjs') });
    assert.equal((await child.exited).code, 3);
    assert.equal(child.stderr(), 'processor initialize failed: model file is corrupt\n');
  });

  void it('exits 3 when the processor cannot be loaded', async () => {
    const child = await runInstance('cli', { processor_path: fixture('no-process.mjs') });
    assert.equal((await child.exited).code, 3);
    assert.match(child.stderr(), /^cannot load processor .*no-process\.mjs: it must export a process\(body, ctx\) function.*\n$/);
  });

  void it('runs a custom processor when started from an --eval script with --input-type', async () => {
    const child = await runInstance('module', { processor_path: fixture('commonjs.cjs') });
    const port = await listeningPort(child);
    await waitFor('ready', async () => ((await getJson(port, '/__easel/ready')).status === 200 ? true : undefined));
    assert.equal((await call(port, { body: 'x' })).text, 'cjs:x');
    child.proc.kill('SIGTERM');
    assert.equal((await child.exited).code, 0);
    assert.equal(child.stderr(), '');
  });

  void it('exits 2 naming every problem of an invalid config', async () => {
    const child = await runInstance('cli', {}, JSON.stringify({ service: 'svc', port: 'x', spec: { processor: 'echo' } }));
    assert.equal((await child.exited).code, 2);
    const err = child.stderr();
    assert.match(err, /^invalid instance config .*instance\.json: /);
    assert.match(err, /port: must be an integer from 0 to 65535/);
    assert.match(err, /instance: must be a non-empty string/);
    assert.match(err, /spec\.name: is required/);
  });
});
