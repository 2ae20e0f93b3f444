import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { WATCH_ROUTES_PATH, type RoutingTable, type WatchClientMessage } from '../src/contract/routes.js';
import { watchRoutes } from '../src/gateway/index.js';
import { watchUrl } from '../src/gateway/watch.js';
import { json, post, rawRequest, route, startGateway, startUpstream, table, until } from './gateway-support.js';

const TOKEN = 'admin-token-for-tests';

/** A tiny control plane: the watch endpoint only, on a port that survives restarts. */
class FakeControlPlane {
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

  void it('applies tables from the stream, acknowledges each, and keeps the last one while disconnected', async () => {
    const up = await startUpstream();
    const gw = await startGateway();
    const cp = new FakeControlPlane();
    cp.current = table(1, route('svc', [up.instance()]));
    await cp.start();
    const watch = watchRoutes(gw.gateway, { url: cp.url, token: TOKEN });
    cleanups.push(async () => {
      await watch.close();
      await cp.stop();
      await gw.close();
      await up.close();
    });

    await until(() => gw.gateway.revision === 1 && cp.acks.includes(1), 'table 1 applied and acked');
    assert.deepEqual(cp.authHeaders, [`Bearer ${TOKEN}`]);
    assert.equal(json(await rawRequest(gw.port, post('/api/predict/svc/a', '{}'))).url, '/a');

    cp.publish(table(2, route('svc', [up.instance()]), route('other', [up.instance()])));
    await until(() => gw.gateway.revision === 2 && cp.acks.includes(2), 'table 2 applied and acked');
    assert.equal((await rawRequest(gw.port, post('/api/predict/other', '{}'))).status, 200);

    // Control plane gone: the gateway keeps serving table 2.
    const port = cp.port;
    await cp.stop();
    assert.equal((await rawRequest(gw.port, post('/api/predict/other', '{}'))).status, 200);
    assert.equal(gw.gateway.revision, 2);

    // Back on the same port with news: the watcher reconnects by itself.
    cp.current = table(3, route('svc', [up.instance()]));
    await cp.start(port);
    await until(() => gw.gateway.revision === 3 && cp.acks.includes(3), 'table 3 after reconnecting', 10_000);
    assert.equal((await rawRequest(gw.port, post('/api/predict/other', '{}'))).status, 404);
  });

  void it('ignores malformed messages and keeps the table in force', async () => {
    const up = await startUpstream();
    const gw = await startGateway();
    const cp = new FakeControlPlane();
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
    const cp = new FakeControlPlane();
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
    const cp = new FakeControlPlane();
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
