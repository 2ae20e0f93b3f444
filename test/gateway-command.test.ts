import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { WATCH_ROUTES_PATH } from '../src/contract/routes.js';
import type { GatewayStateFile } from '../src/gateway/index.js';
import { post, rawRequest, route, startUpstream, table, until } from './gateway-support.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'gw-command.mjs');
const TOKEN = 'cmd-admin-token';

void describe('runGatewayCommand', () => {
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
    const up = await startUpstream();
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: WATCH_ROUTES_PATH });
    const acks: number[] = [];
    wss.on('connection', (ws: WebSocket, req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return ws.close();
      ws.on('message', (d: Buffer) => acks.push((JSON.parse(d.toString()) as { revision: number }).revision));
      ws.send(JSON.stringify({ type: 'table', table: table(5, route('svc', [up.instance()])) }));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const cpPort = (http.address() as { port: number }).port;
    const stateFile = join(dir, 'gateway.json');
    const opts = { controlPlane: `http://127.0.0.1:${cpPort}`, token: TOKEN, host: '127.0.0.1', port: 0, stateFile };
    const child = spawn(process.execPath, [FIXTURE, JSON.stringify(opts)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      assert.equal(state.controlPlane, opts.controlPlane);
      assert.ok(!Number.isNaN(Date.parse(state.startedAt)));

      await until(() => acks.includes(5), 'table 5 acknowledged');
      assert.equal((await rawRequest(port, post('/api/predict/svc', '{}'))).status, 200);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.match(stdout, /gateway command returned/);
      await assert.rejects(stat(stateFile), { code: 'ENOENT' });
      const logs = stderr.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { msg: string });
      assert.ok(logs.some((l) => l.msg === 'routing table applied'));
      assert.ok(!stderr.includes(TOKEN));
    } finally {
      wss.close();
      http.closeAllConnections();
      http.close();
      await up.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
