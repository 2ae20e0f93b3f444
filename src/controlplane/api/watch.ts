// The routing-table watch stream gateways subscribe to: a WebSocket at WATCH_ROUTES_PATH.
// The server pushes {type:'table'} messages; gateways answer {type:'ack', revision}.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { WATCH_ROUTES_PATH, type WatchClientMessage } from '../../contract/routes.js';
import type { RoutePublisher } from '../routes/publisher.js';
import { isAdmin } from './auth.js';

const PING_INTERVAL_MS = 10_000;

function parseAck(data: unknown): number | undefined {
  try {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : '';
    const msg = JSON.parse(text) as Partial<WatchClientMessage>;
    return msg.type === 'ack' && typeof msg.revision === 'number' ? msg.revision : undefined;
  } catch {
    return undefined;
  }
}

export function attachWatch(app: FastifyInstance, publisher: RoutePublisher, adminToken: string, logger: Logger): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const alive = new WeakMap<WebSocket, boolean>();

  app.server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WATCH_ROUTES_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!isAdmin(req.headers.authorization, adminToken)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      const handle = publisher.addWatcher({ send: (d) => ws.send(d) });
      logger.info({ remote: req.socket.remoteAddress, watchers: publisher.watcherCount }, 'gateway connected to the route watch');
      ws.on('pong', () => alive.set(ws, true));
      ws.on('message', (data) => {
        const revision = parseAck(data);
        if (revision !== undefined) handle.ack(revision);
      });
      ws.on('error', (err) => logger.warn({ err }, 'route watch connection error'));
      ws.on('close', () => {
        handle.remove();
        logger.info({ watchers: publisher.watcherCount }, 'gateway disconnected from the route watch');
      });
    });
  });

  // A gateway that vanished without closing its socket must not hold up drains forever.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  // Upgraded sockets are no longer the HTTP server's to close, and the server does not finish
  // closing while they are open: they are cut before it closes (preClose), not after.
  app.addHook('preClose', async () => {
    clearInterval(pinger);
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
