// The instance host over real sockets: echo, health endpoints, admission (concurrency, queue,
// deadline, rate limit), client disconnects, body limits, malformed HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { call, fixture, getJson, startHost, waitFor, type RunningHost } from './instance-support.js';

/** Sends raw bytes and collects everything until the server closes or `until` matches. */
function rawExchange(port: number, data: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer; got ${JSON.stringify(got)}`));
    }, 10_000);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until?.test(got)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.write(data);
  });
}

void describe('echo processor', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor: 'echo' });
  });
  after(() => h.stop());

  void it('answers with the request body and content-type', async () => {
    const r = await call(h.port, { path: '/any/sub/path?x=1', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"a":1}');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['content-length'], '7');
  });

  void it('defaults the content-type to application/octet-stream and handles empty bodies', async () => {
    const r = await call(h.port, { method: 'GET' });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['content-type'], 'application/octet-stream');
  });

  void it('echoes large and binary bodies byte for byte', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    const r = await call(h.port, { body });
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(body));
  });

  void it('keeps connections alive for 75 s and serves several requests on one', async () => {
    const req = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi';
    const got = await rawExchange(h.port, req + req, /(HTTP\/1\.1 200[\s\S]*){2}hi$/);
    assert.equal(got.match(/HTTP\/1\.1 200 OK/g)?.length, 2);
    assert.match(got, /Keep-Alive: timeout=75/i);
  });

  void it('answers /__easel/ready, /__easel/live and /__easel/stats', async () => {
    assert.deepEqual(await getJson(h.port, '/__easel/ready'), { status: 200, body: { ready: true } });
    assert.deepEqual(await getJson(h.port, '/__easel/live'), { status: 200, body: { live: true } });
    const stats = await getJson(h.port, '/__easel/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.state, 'ready');
    for (const key of ['inFlight', 'queued', 'completed', 'failed', 'rejectedQueueFull', 'timedOut', 'processorRestarts', 'uptimeSeconds']) {
      assert.equal(typeof stats.body[key], 'number', key);
    }
    assert.ok((stats.body.completed as number) >= 1);
    assert.equal(h.host.stats().state, 'ready');
  });

  void it('keeps unknown /__easel/ paths and other methods for itself (404)', async () => {
    const unknown = await getJson(h.port, '/__easel/nope');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'EASEL_ROUTE_NOT_FOUND');
    const post = await call(h.port, { method: 'POST', path: '/__easel/ready' });
    assert.equal(post.status, 404);
  });

  void it('answers malformed HTTP with a JSON 400 and closes', async () => {
    const got = await rawExchange(h.port, 'GARBAGE\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 400 /);
    assert.match(got, /"code":"EASEL_BAD_HTTP"/);
  });

  void it('accepts request heads up to 64 KiB, as the gateway does, and answers 431 beyond', async () => {
    const big = await call(h.port, { body: 'x', headers: { 'x-big': 'a'.repeat(40 * 1024) } });
    assert.equal(big.status, 200);
    const got = await rawExchange(h.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 431 /);
    assert.match(got, /"code":"EASEL_HEADERS_TOO_LARGE"/);
  });

  void it('does not insist on a Host header', async () => {
    const got = await rawExchange(h.port, 'POST / HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    assert.match(got, /^HTTP\/1\.1 200 [\s\S]*ok$/);
  });

  void it('survives garbage: random bytes and broken framing on many connections', async () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const inputs = [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n',
      'GET /__easel/ready HTTP/9.9\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort',
      ...Array.from({ length: 20 }, () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256))).toString('latin1')),
    ];
    await Promise.all(
      inputs.map(
        (input) =>
          new Promise<void>((resolve) => {
            const socket = connect(h.port, '127.0.0.1', () => socket.end(input, 'latin1'));
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            socket.resume();
            setTimeout(() => socket.destroy(), 5000).unref();
          }),
      ),
    );
    assert.equal((await call(h.port, { body: 'still here' })).text, 'still here');
  });

  void it('still serves after the malformed request', async () => {
    assert.equal((await call(h.port, { body: 'x' })).status, 200);
  });
});

void describe('request body limit', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor: 'echo' }, { maxBodyBytes: 1000 });
  });
  after(() => h.stop());

  void it('rejects a declared length over the limit with 413 before reading it', async () => {
    const r = await call(h.port, { body: Buffer.alloc(2000) });
    assert.equal(r.status, 413);
    assert.equal((r.json() as { code: string }).code, 'EASEL_BODY_TOO_LARGE');
  });

  void it('rejects a chunked body once it grows over the limit', async () => {
    const got = await rawExchange(h.port, `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n${'a'.repeat(2000)}\r\n0\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 413 /);
    assert.match(got, /connection: close/i);
  });

  void it('accepts a body at the limit', async () => {
    assert.equal((await call(h.port, { body: Buffer.alloc(1000, 7) })).status, 200);
  });
});

void describe('admission: worker_threads, max_queue_size, keepalive', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor_path: fixture('scorer.mjs'), metadata: { rpc: { worker_threads: 1, max_queue_size: 3, keepalive: 4000 } } });
  });
  after(() => h.stop());

  const stats = () => h.host.stats();

  void it('runs one request at a time, queues the next ones in arrival order, and answers 450 beyond the queue', async () => {
    const order: string[] = [];
    const first = call(h.port, { path: '/?delay=400', body: '' }).then((r) => (order.push('first'), r));
    await waitFor('the first request to run', () => (stats().inFlight === 1 ? true : undefined));
    const queued = [];
    for (const name of ['q1', 'q2', 'q3']) {
      queued.push(call(h.port, { path: '/?delay=30', body: '' }).then((r) => (order.push(name), r)));
      await waitFor(`${name} to queue`, () => (stats().queued === queued.length ? true : undefined));
    }
    assert.equal(stats().inFlight, 1);
    const rejected = await call(h.port, { body: '' });
    assert.equal(rejected.status, 450);
    assert.equal((rejected.json() as { code: string }).code, 'EASEL_QUEUE_FULL');
    for (const r of await Promise.all([first, ...queued])) assert.equal(r.status, 200);
    assert.deepEqual(order, ['first', 'q1', 'q2', 'q3']);
    assert.equal(stats().rejectedQueueFull, 1);
    assert.equal(stats().queued, 0);
    assert.equal(stats().inFlight, 0);
  });

  void it('lets a queued request whose client hung up leave the queue', async () => {
    const running = call(h.port, { path: '/?delay=500', body: '' });
    await waitFor('a running request', () => (stats().inFlight === 1 ? true : undefined));
    const abort = new AbortController();
    const gone = call(h.port, { body: '', signal: abort.signal }).catch((e: unknown) => e);
    await waitFor('a queued request', () => (stats().queued === 1 ? true : undefined));
    abort.abort();
    await gone;
    await waitFor('the queue to empty', () => (stats().queued === 0 ? true : undefined));
    assert.equal((await running).status, 200);
  });

  void it('keeps the slot of a running request whose client hung up until the processor answers', async () => {
    const abort = new AbortController();
    const gone = call(h.port, { path: '/?delay=600', body: '', signal: abort.signal }).catch((e: unknown) => e);
    await waitFor('a running request', () => (stats().inFlight === 1 ? true : undefined));
    abort.abort();
    await gone;
    const next = call(h.port, { body: '' });
    await waitFor('the next request to wait for the slot', () => (stats().queued === 1 ? true : undefined));
    assert.equal((await next).status, 200);
  });
});

void describe('deadline (rpc.keepalive)', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor_path: fixture('scorer.mjs'), metadata: { rpc: { worker_threads: 1, max_queue_size: 4, keepalive: 300 } } });
  });
  after(() => h.stop());

  void it('answers 408 to a running and a queued request past the deadline and drops the late result', async () => {
    const [running, queued] = await Promise.all([call(h.port, { path: '/?delay=700', body: '' }), call(h.port, { path: '/?delay=700', body: '' })]);
    for (const r of [running, queued]) {
      assert.equal(r.status, 408);
      const body = r.json() as { code: string; message: string };
      assert.equal(body.code, 'EASEL_DEADLINE_EXCEEDED');
      assert.match(body.message, /300 ms/);
    }
    assert.equal(h.host.stats().timedOut, 2);
    assert.equal(h.host.stats().queued, 0);
    await waitFor('the late result to be dropped', () => (h.lines.some((l) => l.msg.startsWith('dropped the late outcome')) ? true : undefined));
    assert.equal(h.host.stats().completed, 0);
  });

  void it('serves quick requests once the slow ones are gone', async () => {
    const r = await call(h.port, { body: '{"features":[0]}' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { score: 0.5 });
  });

  void it('counts the time the body takes to arrive', async () => {
    const got = await rawExchange(h.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    assert.match(got, /^HTTP\/1\.1 408 /);
    assert.match(got, /connection: close/i);
  });
});

void describe('rate limit (rpc.rate_limit)', () => {
  let h: RunningHost;
  before(async () => {
    h = await startHost({ processor: 'echo', metadata: { rpc: { rate_limit: 3 } } });
  });
  after(() => h.stop());

  void it('answers 429 beyond one second of burst, then recovers', async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, () => call(h.port, { body: 'x' })));
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(ok >= 3, `${ok} succeeded`);
    assert.ok(limited.length >= 1, 'some were rate limited');
    assert.equal((limited[0]?.json() as { code: string }).code, 'EASEL_INSTANCE_RATE_LIMITED');
    await waitFor('the bucket to refill', async () => ((await call(h.port, { body: 'x' })).status === 200 ? true : undefined));
  });
});

void describe('readiness before the processor is initialized', () => {
  void it('is 503 while initialize() runs, refuses requests with 503, then turns 200', async () => {
    const h = await startHost({ processor_path: fixture('slow-init.mjs'), model_config: { delayMs: 1000 } }, {}, false);
    try {
      const early = await getJson(h.port, '/__easel/ready');
      assert.equal(early.status, 503);
      assert.equal(early.body.code, 'EASEL_PROCESSOR_NOT_READY');
      assert.equal(h.host.stats().state, 'starting');
      const refused = await call(h.port, { body: 'x' });
      assert.equal(refused.status, 503);
      await h.host.ready();
      assert.equal((await getJson(h.port, '/__easel/ready')).status, 200);
      assert.equal((await call(h.port, { body: 'x' })).text, 'initialized');
    } finally {
      await h.stop();
    }
  });
});

void describe('draining', () => {
  /** A connection that has sent part of a request head: the drain must not count it idle. */
  function partialHead(port: number, head: string): Promise<{ socket: Socket; reply: Promise<string> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        let got = '';
        const reply = new Promise<string>((res) => {
          socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
          socket.on('close', () => res(got));
        });
        socket.write(head);
        resolve({ socket, reply });
      });
      socket.on('error', reject);
    });
  }

  void it('finishes running and queued requests with Connection: close, reports 503 ready, closes idle sockets and stops accepting', async () => {
    const h = await startHost({ processor_path: fixture('scorer.mjs'), metadata: { rpc: { worker_threads: 1 } } });
    try {
      const idle = await new Promise<Socket>((resolve) => {
        const s = connect(h.port, '127.0.0.1', () => resolve(s));
      });
      const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
      const running = call(h.port, { path: '/?delay=500', body: '' });
      await waitFor('a running request', () => (h.host.stats().inFlight === 1 ? true : undefined));
      const queued = call(h.port, { path: '/?delay=10', body: '' });
      await waitFor('a queued request', () => (h.host.stats().queued === 1 ? true : undefined));
      const probe = await partialHead(h.port, 'GET /__easel/ready HTTP/1.1\r\nHost: x\r\n');
      // A round trip on another connection: by its end the server has read the partial head.
      assert.equal((await call(h.port, { method: 'GET', path: '/__easel/live' })).status, 200);

      const closed = h.host.close(10_000);
      await idleClosed;
      probe.socket.write('\r\n');
      const readyDuringDrain = await probe.reply;
      assert.match(readyDuringDrain, /^HTTP\/1\.1 503 /);
      assert.match(readyDuringDrain, /EASEL_INSTANCE_DRAINING/);
      assert.equal(h.host.stats().state, 'draining');

      for (const r of [await running, await queued]) {
        assert.equal(r.status, 200);
        assert.equal(r.headers.connection, 'close');
      }
      await closed;
      await assert.rejects(call(h.port, { body: '' }), /ECONNREFUSED/);
    } finally {
      await h.stop();
    }
  });

  void it('drops what is still running when the grace period ends', async () => {
    const h = await startHost({ processor_path: fixture('scorer.mjs') });
    try {
      const slow = call(h.port, { path: '/?delay=4000', body: '' }).then(
        (r) => r.status,
        (e: Error) => e.message,
      );
      await waitFor('a running request', () => (h.host.stats().inFlight === 1 ? true : undefined));
      await h.host.close(200);
      assert.match(String(await slow), /socket hang up|ECONNRESET/);
    } finally {
      await h.stop();
    }
  });
});
