// Bad calls through a real `easel up` get the status codes EAS clients rely on, and the EAS
// SDK's signed requests are accepted; nothing takes the gateway down.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceDescription } from '../src/contract/api.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { call } from './helpers/http.js';

const run = promisify(execFile);
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');
let easel: EaselProcess;
let echo: ServiceDescription;

before(async () => {
  easel = await startEasel();
  echo = await easel.deploy({ name: 'echo', processor: 'echo' });
});

after(async () => {
  await cleanup(easel);
});

function code(text: string): string {
  return (JSON.parse(text) as { code: string }).code;
}

/** One raw request over a fresh socket; resolves with what came back before the close or timeout. */
function raw(url: string, request: string, waitMs = 3000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let got = '';
    const s = connect(Number(port), hostname, () => s.write(request));
    const timer = setTimeout(() => s.destroy(), waitMs);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', () => undefined);
  });
}

test('a call without a token is 401 EASEL_AUTH_REQUIRED, a wrong one EASEL_AUTH_INVALID', async () => {
  const none = await easel.predict('echo', 'x');
  assert.equal(none.status, 401);
  assert.equal(code(none.text), 'EASEL_AUTH_REQUIRED');
  const wrong = await easel.predict('echo', 'x', { token: 'not-the-token' });
  assert.equal(wrong.status, 401);
  assert.equal(code(wrong.text), 'EASEL_AUTH_INVALID');
});

test('the EAS Python SDK signature recipe is accepted, on the service path and a sub-path', async () => {
  const script = join(FIXTURES, 'clients', 'eas_sdk_call.py');
  const { stdout } = await run('python3', [script, easel.gatewayUrl, 'echo', echo.AccessToken, '{"signed":true}']);
  assert.equal(stdout.trim(), '200 {"signed":true}');
  const sub = await run('python3', [script, easel.gatewayUrl, 'echo', echo.AccessToken, 'abc', '/v1/score']);
  assert.equal(sub.stdout.trim(), '200 abc');
  const forged = await run('python3', [script, easel.gatewayUrl, 'echo', 'a-guessed-token', 'x']);
  assert.match(forged.stdout, /^401 .*EASEL_SIGNATURE_INVALID/);
});

test('an unknown service is 404 and a malformed request 400, each naming the problem', async () => {
  const unknown = await easel.predict('nosuch', 'x', { token: echo.AccessToken });
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /nosuch/);
  const bad = await raw(easel.gatewayUrl, 'POST /api/predict/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  assert.match(bad, /^HTTP\/1\.1 400 /);
  assert.match(bad, /EASEL_BAD_HTTP/);
});

test('a body over the limit is refused with 413 before it is sent', async () => {
  const res = await raw(easel.gatewayUrl, `POST /api/predict/echo HTTP/1.1\r\nHost: x\r\nAuthorization: ${echo.AccessToken}\r\nContent-Length: 999999999999\r\n\r\n`);
  assert.match(res, /^HTTP\/1\.1 413 /);
  assert.match(res, /EASEL_BODY_TOO_LARGE/);
});

test('a full instance queue answers 450, and concurrency and rate limits 429', async () => {
  const slow = join(FIXTURES, 'processors', 'slow.mjs');
  const q = await easel.deploy({ name: 'queued', processor_path: slow, metadata: { rpc: { worker_threads: 1, max_queue_size: 1 } } });
  const statuses = await Promise.all(Array.from({ length: 6 }, () => easel.predict('queued', '500', { token: q.AccessToken }).then((r) => r.status)));
  assert.ok(statuses.includes(200), statuses.join());
  assert.ok(statuses.includes(450), `expected some 450 among ${statuses.join()}`);

  const c = await easel.deploy({ name: 'capped', processor_path: slow, networking: { gateway_policy: { concurrency_limit: { enable: true, limit: 2 } } } });
  const capped = await Promise.all(Array.from({ length: 6 }, () => easel.predict('capped', '500', { token: c.AccessToken })));
  assert.equal(capped.filter((r) => r.status === 200).length, 2);
  assert.ok(capped.filter((r) => r.status === 429).every((r) => code(r.text) === 'EASEL_CONCURRENCY_LIMITED'));

  const r = await easel.deploy({ name: 'rated', processor: 'echo', networking: { gateway_policy: { rate_limit: { enable: true, limit: 5 } } } });
  const rated = [];
  for (let i = 0; i < 20; i++) rated.push(await easel.predict('rated', 'x', { token: r.AccessToken }));
  assert.ok(rated.some((x) => x.status === 429 && code(x.text) === 'EASEL_RATE_LIMITED'));
  assert.ok(rated.filter((x) => x.status === 200).length >= 5);
});

test('a client that goes away mid-request leaves the gateway and the instance serving', async () => {
  const s = await easel.deploy({ name: 'sleepy', processor_path: join(FIXTURES, 'processors', 'slow.mjs') });
  await raw(easel.gatewayUrl, `POST /api/predict/sleepy HTTP/1.1\r\nHost: x\r\nAuthorization: ${s.AccessToken}\r\nContent-Length: 4\r\n\r\n2000`, 200);
  const after = await easel.predict('sleepy', '10', { token: s.AccessToken });
  assert.equal(after.status, 200);
  assert.equal(after.text, 'slept 10');
  const health = await call('GET', `${easel.gatewayUrl}/healthz`);
  assert.equal(health.status, 200);
});
