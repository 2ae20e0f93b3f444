// `easel gateway` as its own process against a real control plane: it prints its address,
// writes its state file, follows the routing table, serves calls, and stops cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startControlPlane } from '../src/controlplane/index.js';
import type { GatewayStateFile } from '../src/gateway/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { EASEL_BIN } from '../src/shared/paths.js';
import { post, rawRequest, until } from './gateway-support.js';

void describe('easel gateway', () => {
  const pids: number[] = [];
  void after(() => {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  void it('listens, prints its address, writes the state file, follows the control plane, stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-gw-cmd-'));
    const cp = await startControlPlane({ home: join(dir, 'home'), port: 0, logger: silentLogger() });
    const stateFile = join(dir, 'gateway.json');
    const child = spawn(process.execPath, [EASEL_BIN, 'gateway', '--control-plane', cp.url, '--host', '127.0.0.1', '--port', '0', '--state-file', stateFile], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EASEL_TOKEN: cp.adminToken },
    });
    pids.push(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await until(() => /gateway listening on http:\/\/127\.0\.0\.1:\d+\n/.test(stdout), 'the listening line', 10_000);
      const port = Number(/:(\d+)\n/.exec(stdout)![1]);
      const state = JSON.parse(await readFile(stateFile, 'utf8')) as GatewayStateFile;
      assert.equal(state.pid, child.pid);
      assert.equal(state.port, port);
      assert.equal(state.host, '127.0.0.1');
      assert.equal(state.controlPlane, cp.url);
      assert.ok(!Number.isNaN(Date.parse(state.startedAt)));

      await until(() => cp.publisher.watcherCount === 1, 'the gateway watching the control plane');
      const svc = cp.services.create({ name: 'svc', processor: 'echo' });
      // Served means: ready, and this gateway acknowledged a table that routes to it.
      await until(() => cp.services.describe('svc').RunningInstance === 1, 'svc served through the gateway', 20_000);
      const res = await rawRequest(port, post('/api/predict/svc', '{"a":1}', { authorization: svc.AccessToken }));
      assert.equal(res.status, 200);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      await assert.rejects(stat(stateFile), { code: 'ENOENT' });
      const logs = stderr.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { msg: string });
      assert.ok(logs.some((l) => l.msg === 'routing table applied'));
      assert.ok(!stderr.includes(cp.adminToken), 'the admin token never reaches the log');
      assert.ok(!stderr.includes(svc.AccessToken), 'nor does a service token');
    } finally {
      await cp.close({ stopInstances: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
