import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { route, startGateway, startUpstream, table, until, type TestGateway, type Upstream } from './gateway-support.js';

const TOTAL = 20 * 1024 * 1024;
const PIECE = 64 * 1024;

/** Deterministic bytes so both ends can hash what they saw. */
function piece(i: number): Buffer {
  return Buffer.alloc(PIECE, i % 251);
}

function expectedHash(): string {
  const h = createHash('sha256');
  for (let i = 0; i < TOTAL / PIECE; i++) h.update(piece(i));
  return h.digest('hex');
}

/** Waits until `value()` stops changing for `quietMs` (bounded by the usual deadline). */
async function settle(value: () => number, quietMs = 300): Promise<number> {
  let last = value();
  let since = Date.now();
  const deadline = Date.now() + 10_000;
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('never settled');
    await new Promise((r) => setTimeout(r, 20));
    const v = value();
    if (v !== last) {
      last = v;
      since = Date.now();
    }
  }
  return last;
}

void describe('gateway streaming (20 MB each way, with backpressure)', () => {
  let up: Upstream;
  let gw: TestGateway;
  let downloadWritten = 0;
  let uploadRequest: IncomingMessage | null = null;
  let uploadResponse: ServerResponse | null = null;
  const want = expectedHash();

  void before(async () => {
    up = await startUpstream((req, res) => {
      if (req.url === '/download') {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let i = 0;
        const pump = (): void => {
          while (i < TOTAL / PIECE) {
            const ok = res.write(piece(i));
            downloadWritten += PIECE;
            i++;
            if (!ok) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      } else {
        req.pause();
        uploadRequest = req;
        uploadResponse = res;
      }
    });
    gw = await startGateway({ maxBodyBytes: 64 * 1024 * 1024 }, table(1, route('svc', [up.instance()], { keepaliveMs: 60_000 })));
  });
  void after(async () => {
    await gw.close();
    await up.close();
  });

  void it('streams a 20 MB chunked response to a slow reader without buffering it', async () => {
    const socket: Socket = connect({ host: '127.0.0.1', port: gw.port });
    socket.on('error', () => undefined);
    socket.pause();
    socket.write('GET /api/predict/svc/download HTTP/1.1\r\nHost: gw\r\n\r\n');
    await until(() => downloadWritten > 0, 'the download to start');
    const stalledAt = await settle(() => downloadWritten);
    assert.ok(stalledAt < TOTAL, `the instance wrote all ${stalledAt} bytes while nobody read: the gateway buffered`);

    // Now read it all: a chunked body, checked for length and content.
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.resume();
    let raw = Buffer.alloc(0);
    await until(
      () => {
        if (parts.length > 0) raw = Buffer.concat([raw, ...parts.splice(0)]);
        return raw.subarray(-5).toString() === '0\r\n\r\n';
      },
      'the whole download',
      30_000,
    );
    socket.destroy();
    const headEnd = raw.indexOf('\r\n\r\n');
    assert.match(raw.toString('latin1', 0, headEnd), /transfer-encoding: chunked/i);
    const hash = createHash('sha256');
    let p = headEnd + 4;
    let total = 0;
    for (;;) {
      const lineEnd = raw.indexOf('\r\n', p);
      const size = Number.parseInt(raw.toString('latin1', p, lineEnd), 16);
      if (size === 0) break;
      hash.update(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
      total += size;
      p = lineEnd + 2 + size + 2;
    }
    assert.equal(total, TOTAL);
    assert.equal(hash.digest('hex'), want);
  });

  void it('streams a 20 MB request body to a slow instance without buffering it', async () => {
    const socket: Socket = connect({ host: '127.0.0.1', port: gw.port });
    socket.on('error', () => undefined);
    const reply: Buffer[] = [];
    socket.on('data', (c: Buffer) => reply.push(c));
    socket.write(`POST /api/predict/svc/upload HTTP/1.1\r\nHost: gw\r\nContent-Length: ${TOTAL}\r\n\r\n`);
    let sent = 0;
    let i = 0;
    const send = (): void => {
      while (i < TOTAL / PIECE) {
        const ok = socket.write(piece(i));
        sent += PIECE;
        i++;
        if (!ok) {
          socket.once('drain', send);
          return;
        }
      }
    };
    send();
    await until(() => uploadRequest !== null, 'the upload at the instance');
    const stalledAt = await settle(() => sent);
    assert.ok(stalledAt < TOTAL, `the client sent all ${stalledAt} bytes while the instance read nothing: the gateway buffered`);

    const req = uploadRequest!;
    const hash = createHash('sha256');
    let received = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      received += c.length;
    });
    req.on('end', () => {
      const body = JSON.stringify({ received, sha256: hash.digest('hex') });
      uploadResponse!.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      uploadResponse!.end(body);
    });
    req.resume();
    await until(() => Buffer.concat(reply).includes('"sha256"'), 'the upload reply', 30_000);
    socket.destroy();
    const text = Buffer.concat(reply).toString();
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { received: number; sha256: string };
    assert.equal(body.received, TOTAL);
    assert.equal(body.sha256, want);
  });
});
