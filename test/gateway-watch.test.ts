import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { WATCH_ROUTES_PATH, type RoutingTable, type WatchClientMessage } from '../src/contract/routes.js';
import { startControlPlane } from '../src/controlplane/index.js';
import { watchRoutes } from '../src/gateway/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { watchUrl } from '../src/gateway/watch.js';
import { post, rawRequest, route, startGateway, startUpstream, table, until } from './gateway-support.js';

const TOKEN = 'admin-token-for-tests';

/**
 * A WebSocket peer scripted to misbehave in ways the real control plane never does (malformed
 * frames, refused handshakes, silence), to prove the watch client survives them. The normal
 * path runs against the real control plane below.
 */
class ScriptedWatchPeer {
  server: Server | null = null;
  wss: WebSocketServer | null = null;
  port = 0;
  sockets: WebSocket[] = [];
  acks: number[] = [];
  attempts = 0;
  authHeaders: (string | undefined)[] = [];
  autoPong = true;
  /** Sent to every client that connects. */
  current: RoutingTable | null = null;

  async start(port = 0): Promise<void> {
    const server = createServer();
    const wss = new WebSocketServer({
      server,
      path: WATCH_ROUTES_PATH,
      autoPong: this.autoPong,
      verifyClient: (info: { req: { headers: Record<string, string | string[] | undefined> } }) => {
        this.attempts++;
        const auth = info.req.headers.authorization;
        this.authHeaders.push(typeof auth === 'string' ? auth : undefined);
        return auth === `Bearer ${TOKEN}`;
      },
    });
    wss.on('connection', (ws: WebSocket) => {
      this.sockets.push(ws);
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as WatchClientMessage;
        if (msg.type === 'ack') this.acks.push(msg.revision);
      });
      if (this.current !== null) this.send(ws, this.current);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    this.port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    this.server = server;
    this.wss = wss;
  }

  send(ws: WebSocket, t: RoutingTable): void {
    ws.send(JSON.stringify({ type: 'table', table: t }));
  }

  publish(t: RoutingTable): void {
    this.current = t;
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) this.send(ws, t);
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
    this.wss?.close();
    const server = this.server;
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.server = null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

void describe('watchRoutes', () => {
  const cleanups: (() => Promise<void>)[] = [];
  void after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  void it('applies the control plane tables, acknowledges them, and keeps the last one while it is down', async () => {
    const home = mkdtempSync(join(tmpdir(), 'easel-watch-'));
    const gw = await startGateway();
    let cp = await startControlPlane({ home, port: 0, logger: silentLogger() });
    const port = cp.port;
    const watch = watchRoutes(gw.gateway, { url: cp.url, token: cp.adminToken });
    cleanups.push(async () => {
      await watch.close();
      await cp.close({ stopInstances: true });
      await gw.close();
      rmSync(home, { recursive: true, force: true });
    });
    const serving = async (name: string): Promise<void> => {
      await until(() => cp.services.describe(name).RunningInstance === 1, `${name} served through the gateway`, 20_000);
    };
    const call = async (name: string, token: string): Promise<number> =>
      (await rawRequest(gw.port, post(`/api/predict/${name}`, '{}', { authorization: token }))).status;

    const svc = cp.services.create({ name: 'svc', processor: 'echo' });
    await serving('svc');
    assert.equal(gw.gateway.revision, cp.publisher.revision, 'the gateway applied the latest table');
    assert.equal(cp.publisher.ackedRevision(), cp.publisher.revision, 'and acknowledged it');
    assert.equal(await call('svc', svc.AccessToken), 200);

    // Control plane gone (its instances keep running): the gateway keeps serving its last table.
    const revisionBefore = gw.gateway.revision;
    await cp.close({ stopInstances: false });
    assert.equal(await call('svc', svc.AccessToken), 200);
    assert.equal(gw.gateway.revision, revisionBefore);

    // Back on the same port: the watcher reconnects by itself and learns what changed.
    cp = await startControlPlane({ home, port, logger: silentLogger() });
    const other = cp.services.create({ name: 'other', processor: 'echo' });
    await serving('other');
    assert.equal(await call('other', other.AccessToken), 200);
    assert.equal(await call('svc', svc.AccessToken), 200, 'the adopted instance is still routed');
  });

  void it('ignores malformed messages and keeps the table in force', async () => {
    const up = await startUpstream();
    const gw = await startGateway();
    const cp = new ScriptedWatchPeer();
    cp.current = table(7, route('svc', [up.instance()]));
    await cp.start();
    const watch = watchRoutes(gw.gateway, { url: cp.url, token: TOKEN });
    cleanups.push(async () => {
      await watch.close();
      await cp.stop();
      await gw.close();
      await up.close();
    });
    await until(() => cp.acks.includes(7), 'table 7 acked');
    for (const bad of ['not json', '{"type":"table","table":{"revision":"x"}}', '{"type":"other"}']) cp.sockets[0]!.send(bad);
    cp.publish(table(8, route('svc', [up.instance()])));
    await until(() => cp.acks.includes(8), 'table 8 acked');
    assert.deepEqual(cp.acks, [7, 8]);
    assert.equal(gw.gateway.revision, 8);
  });

  void it('keeps retrying with back-off while the control plane refuses it, until closed', async () => {
    const gw = await startGateway();
    const cp = new ScriptedWatchPeer();
    await cp.start();
    const watch = watchRoutes(gw.gateway, { url: cp.url, token: 'wrong' });
    cleanups.push(async () => {
      await cp.stop();
      await gw.close();
    });
    await until(() => cp.attempts >= 3, 'three attempts');
    await watch.close();
    // Let a handshake that was already on the wire land, then expect no new ones.
    await new Promise((r) => setTimeout(r, 100));
    const attempts = cp.attempts;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(cp.attempts, attempts);
    assert.equal(gw.gateway.revision, -1);
  });

  void it('redials a stream that stops answering pings', async () => {
    const gw = await startGateway();
    const cp = new ScriptedWatchPeer();
    cp.autoPong = false;
    cp.current = table(1, route('svc', []));
    await cp.start();
    const watch = watchRoutes(gw.gateway, { url: cp.url, token: TOKEN, heartbeatMs: 100 });
    cleanups.push(async () => {
      await watch.close();
      await cp.stop();
      await gw.close();
    });
    await until(() => cp.attempts >= 2, 'a second connection after a missed pong');
    assert.equal(gw.gateway.revision, 1);
  });
});

void describe('watchUrl', () => {
  void it('maps the control-plane base URL to the watch endpoint', () => {
    assert.equal(watchUrl('http://127.0.0.1:8081'), 'ws://127.0.0.1:8081/api/v2/watch/routes');
    assert.equal(watchUrl('https://cp.example/base/'), 'wss://cp.example/base/api/v2/watch/routes');
    assert.equal(watchUrl('ws://h:1'), 'ws://h:1/api/v2/watch/routes');
    assert.throws(() => watchUrl('ftp://h'), /http\(s\)/);
    assert.throws(() => watchUrl('not a url'));
  });
});
