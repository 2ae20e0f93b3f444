import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import pino from 'pino';
import { RawClient, deadPort, echoHandler, json, post, rawRequest, route, startGateway, startUpstream, table, until, type TestGateway, type Upstream } from './gateway-support.js';

interface ChildUpstream {
  child: ChildProcess;
  port: number;
  /** Lines the child printed after its port. */
  lines: string[];
  kill(signal?: NodeJS.Signals): void;
}

const children: ChildProcess[] = [];

/** Runs `code` (which must print the port it listens on) in its own process group. */
async function spawnUpstream(code: string): Promise<ChildUpstream> {
  const child = spawn(process.execPath, ['-e', code], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('upstream child did not start')), 10_000);
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (lines.length > 0) {
        clearTimeout(timer);
        resolve(Number(lines[0]));
      }
    });
    child.once('exit', () => reject(new Error('upstream child exited')));
  });
  return {
    child,
    port,
    lines,
    kill: (signal = 'SIGKILL') => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    },
  };
}

function killAll(): void {
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

const inst = (name: string, port: number) => ({ name, host: '127.0.0.1', port, version: 1 });

void describe('gateway upstream handling', () => {
  void afterEach(killAll);
  void after(killAll);

  void describe('balancing and pools', () => {
    let a: Upstream;
    let b: Upstream;
    let gw: TestGateway;
    const held: { who: string; res: ServerResponse }[] = [];
    const holdOr = (who: string) => (req: Parameters<typeof echoHandler>[0], res: ServerResponse) => {
      if (req.url === '/hold') {
        req.resume();
        held.push({ who, res });
      } else {
        res.setHeader('x-instance', who);
        echoHandler(req, res);
      }
    };

    void before(async () => {
      a = await startUpstream(holdOr('a'), 'a');
      b = await startUpstream(holdOr('b'), 'b');
      gw = await startGateway({}, table(1, route('svc', [a.instance(), b.instance()])));
    });
    void after(async () => {
      for (const h of held) h.res.destroy();
      await gw.close();
      await a.close();
      await b.close();
    });

    void it('spreads sequential requests evenly by rotation', async () => {
      const counts: Record<string, number> = { a: 0, b: 0 };
      for (let i = 0; i < 10; i++) {
        const r = await rawRequest(gw.port, post('/api/predict/svc', '{}'));
        counts[r.headers['x-instance']!]!++;
      }
      assert.deepEqual(counts, { a: 5, b: 5 });
    });

    void it('sends each request to the instance with the fewest in flight', async () => {
      const clients: RawClient[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc/hold', '{}'));
        clients.push(c);
        await until(() => held.length === i + 1, `request ${i + 1} held`);
      }
      assert.deepEqual(held.map((h) => h.who).sort(), ['a', 'a', 'b', 'b']);
      // Free a's two: a now has none in flight and b two, so the next two both go to a.
      for (const h of held.filter((x) => x.who === 'a')) h.res.end('released');
      const next: string[] = [];
      for (let i = 0; i < 2; i++) {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc/hold', '{}'));
        clients.push(c);
        await until(() => held.length === 5 + i, 'next request held');
        next.push(held.at(-1)!.who);
      }
      assert.deepEqual(next, ['a', 'a']);
      for (const h of held.splice(0)) if (!h.res.writableEnded) h.res.end('released');
      for (const c of clients) c.destroy();
    });

    void it('reuses keep-alive connections to instances', async () => {
      const before = a.connections() + b.connections();
      for (let i = 0; i < 20; i++) assert.equal((await rawRequest(gw.port, post('/api/predict/svc', `{"i":${i}}`))).status, 200);
      // Two instances, one request at a time: at most one new connection each.
      assert.ok(a.connections() + b.connections() - before <= 2, `opened ${a.connections() + b.connections() - before}`);
    });

    void it('closes pooled connections to an instance that leaves the table', async () => {
      const c = await startUpstream(echoHandler, 'c');
      const closed: number[] = [];
      c.server.on('connection', (s: Socket) => s.on('close', () => closed.push(1)));
      try {
        gw.gateway.applyTable(table(2, route('svc', [a.instance(), b.instance()]), route('solo', [c.instance()])));
        assert.equal((await rawRequest(gw.port, post('/api/predict/solo', '{}'))).status, 200);
        assert.equal(c.connections(), 1);
        assert.equal(closed.length, 0);
        gw.gateway.applyTable(table(3, route('svc', [a.instance(), b.instance()])));
        await until(() => closed.length === 1, 'the pooled connection to close');
      } finally {
        await c.close();
      }
    });
  });

  void describe('connection lifetimes', () => {
    void it('closes idle pooled connections after upstreamIdleMs', async () => {
      const up = await startUpstream();
      const closed: number[] = [];
      up.server.on('connection', (s: Socket) => s.on('close', () => closed.push(1)));
      const gw = await startGateway({ upstreamIdleMs: 100 }, table(1, route('svc', [up.instance()])));
      try {
        assert.equal((await rawRequest(gw.port, post('/api/predict/svc', '{}'))).status, 200);
        await until(() => closed.length === 1, 'the idle connection to close');
        assert.equal((await rawRequest(gw.port, post('/api/predict/svc', '{}'))).status, 200);
        assert.equal(up.connections(), 2);
      } finally {
        await gw.close();
        await up.close();
      }
    });

    void it('does not pool a connection the instance will close: Connection: close, HTTP/1.0, short Keep-Alive, stray bytes', async () => {
      for (const mode of ['close', 'http10', 'short-keepalive', 'stray']) {
        const up = await startUpstream((req, res) => {
          req.resume();
          if (mode === 'close') {
            res.writeHead(200, { connection: 'close', 'content-length': 2 });
            res.end('ok');
          } else if (mode === 'stray') {
            res.socket!.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSTRAY');
          } else if (mode === 'http10') {
            res.socket!.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
          } else {
            res.end('ok');
          }
        });
        if (mode === 'short-keepalive') up.server.keepAliveTimeout = 1_000;
        const gw = await startGateway({}, table(1, route('svc', [up.instance()])));
        try {
          for (let i = 0; i < 3; i++) {
            const r = await rawRequest(gw.port, post('/api/predict/svc', '{}'));
            assert.equal(r.status, 200, mode);
            assert.equal(r.body.toString(), 'ok', mode);
          }
          assert.equal(up.connections(), 3, mode);
        } finally {
          await gw.close();
          await up.close();
        }
      }
    });
  });

  void describe('failures', () => {
    void it('retries on another instance when a new connection is refused', async () => {
      const up = await startUpstream();
      const dead = await deadPort();
      const gw = await startGateway({}, table(1, route('svc', [inst('dead', dead), up.instance('live')])));
      try {
        for (let i = 0; i < 6; i++) {
          const r = await rawRequest(gw.port, post('/api/predict/svc', `{"i":${i}}`));
          assert.equal(r.status, 200);
          assert.equal(json(r).body, `{"i":${i}}`);
        }
      } finally {
        await gw.close();
        await up.close();
      }
    });

    void it('answers 503 EASEL_NO_READY_INSTANCE naming the connect error when none can be reached', async () => {
      const gw = await startGateway({}, table(1, route('svc', [inst('d1', await deadPort()), inst('d2', await deadPort())])));
      try {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc', '{}'));
        const r = await c.response();
        assert.equal(r.status, 503);
        assert.equal(json(r).code, 'EASEL_NO_READY_INSTANCE');
        assert.match(String(json(r).message), /ECONNREFUSED/);
        // The body had arrived, so the connection stays usable.
        c.send(post('/api/predict/svc', '{}'));
        assert.equal((await c.response()).status, 503);
        c.destroy();
      } finally {
        await gw.close();
      }
    });

    void it('gives up on a connect that hangs after 2 s and tries the next instance', async () => {
      // A stopped process with a full accept queue: the kernel drops further SYNs, so connects hang.
      const stuck = await spawnUpstream("require('net').createServer().listen(0, '127.0.0.1', 1, function () { console.log(this.address().port); });");
      stuck.kill('SIGSTOP');
      const fillers: Socket[] = [];
      for (let i = 0; i < 8; i++) fillers.push(connect({ host: '127.0.0.1', port: stuck.port }).on('error', () => undefined));
      const up = await startUpstream();
      const gw = await startGateway({}, table(1, route('svc', [inst('stuck', stuck.port)]), route('both', [inst('stuck', stuck.port), up.instance('live')])));
      try {
        await new Promise((r) => setTimeout(r, 200));
        // While it connects the gateway reads no body: the client's writes back up.
        const total = 64 * 1024 * 1024;
        const c = await RawClient.open(gw.port);
        c.send(`POST /api/predict/svc HTTP/1.1\r\nHost: gw\r\nContent-Length: ${total}\r\n\r\n`);
        const piece = Buffer.alloc(64 * 1024, 1);
        let sent = 0;
        const heldBefore = process.memoryUsage().arrayBuffers;
        const pump = (): void => {
          while (sent < total) {
            sent += piece.length;
            if (!c.socket.write(piece)) {
              c.socket.once('drain', pump);
              return;
            }
          }
        };
        pump();
        // Wait until the writes stop moving (bounded: the connect gives up after 2 s anyway).
        for (let last = -1; last !== sent && sent < total; ) {
          last = sent;
          await new Promise((r) => setTimeout(r, 200));
        }
        // The client writes one Buffer over and over, so new memory here is what the gateway read.
        const held = process.memoryUsage().arrayBuffers - heldBefore;
        assert.ok(sent < total && held < 2 * 1024 * 1024, `the gateway read ${held} body bytes while connecting`);
        const r = await c.response({ timeoutMs: 10_000 });
        assert.equal(r.status, 503);
        assert.match(String(json(r).message), /connect timeout after 2000 ms/);
        await c.closedByPeer();
        c.destroy();
        const both = await rawRequest(gw.port, post('/api/predict/both', '{"x":1}'));
        assert.equal(both.status, 200);
      } finally {
        for (const f of fillers) f.destroy();
        await gw.close();
        await up.close();
      }
    });

    void it('answers 502 EASEL_UPSTREAM_FAILED when the instance dies mid-request, and keeps serving', async () => {
      const victim = await spawnUpstream(
        "const s = require('http').createServer((req) => { req.resume(); console.log('got ' + req.url); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
      );
      const up = await startUpstream();
      const gw = await startGateway({}, table(1, route('svc', [inst('victim', victim.port)]), route('other', [up.instance()])));
      try {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc/work', '{}'));
        await until(() => victim.lines.includes('got /work'), 'the request at the instance');
        victim.kill('SIGKILL');
        const r = await c.response();
        assert.equal(r.status, 502);
        assert.equal(json(r).code, 'EASEL_UPSTREAM_FAILED');
        assert.match(String(json(r).message), /instance victim of service "svc" failed/);
        c.destroy();
        assert.equal((await rawRequest(gw.port, post('/api/predict/other', '{}'))).status, 200);
      } finally {
        await gw.close();
        await up.close();
      }
    });

    void it('drops the client connection when the instance dies after the response started', async () => {
      const victim = await spawnUpstream(
        "const s = require('http').createServer((req, res) => { res.writeHead(200, {'content-length': 100}); res.write('partial'); console.log('started'); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
      );
      const gw = await startGateway({}, table(1, route('svc', [inst('victim', victim.port)])));
      try {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc', '{}'));
        await until(() => victim.lines.includes('started') && c.leftover.includes('partial'), 'the response to start');
        victim.kill('SIGKILL');
        await c.closedByPeer();
        assert.match(c.leftover, /^HTTP\/1\.1 200 OK\r\n[\s\S]*partial$/);
      } finally {
        await gw.close();
      }
    });

    void it('cancels the upstream request when the client goes away, and logs 499', async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _e, done) {
            for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
            done();
          },
        }),
      );
      let upstreamSawClose = false;
      const up = await startUpstream((req, res) => {
        req.resume();
        res.on('close', () => {
          upstreamSawClose = !res.writableFinished;
        });
      });
      const gw = await startGateway({ logger }, table(1, route('svc', [up.instance()])));
      try {
        const c = await RawClient.open(gw.port);
        c.send(post('/api/predict/svc/long', '{}'));
        await until(() => up.requests.length === 1, 'the request at the instance');
        c.destroy();
        await until(() => upstreamSawClose, 'the instance to see the cancel');
        await until(() => lines.some((l) => l.code === 'EASEL_CLIENT_CLOSED' && l.status === 499 && l.service === 'svc'), 'the 499 log line');
      } finally {
        await gw.close();
        await up.close();
      }
    });
  });
});
