import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { json, rawRequest, route, startGateway, startUpstream, table, type TestGateway, type Upstream } from './gateway-support.js';

const TOKEN = 'ZDFlMzY3YjFkNzM0ZmU0OTgzYjYxNDdhMjI2NmU3MGQ0ZDYwYzA0Mg==';

/**
 * The request the Python SDK (eas_prediction) sends for a signed call: Content-MD5 of the
 * body, a GMT Date, the default Content-Type, and "EAS <base64 HMAC-SHA1>" over
 * "POST\n<md5>\n<type>\n<date>\n/api/predict/<service>" stripped.
 */
function sdkRequest(service: string, body: string, token: string, opts: { path?: string; method?: string; contentType?: string } = {}): string {
  const md5 = createHash('md5').update(body).digest('hex');
  const date = new Date().toUTCString();
  const type = opts.contentType ?? 'application/octet-stream';
  const toSign = `POST\n${md5}\n${type}\n${date}\n/api/predict/${service}`.trim();
  const sig = createHmac('sha1', token).update(toSign).digest('base64');
  const typeHeader = opts.contentType === undefined ? '' : `Content-Type: ${type}\r\n`;
  return (
    `${opts.method ?? 'POST'} ${opts.path ?? `/api/predict/${service}`} HTTP/1.1\r\nHost: gw\r\nContent-MD5: ${md5}\r\nDate: ${date}\r\n${typeHeader}` +
    `Authorization: EAS ${sig}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function plain(path: string, auth: string | null, body = 'x'): string {
  return `POST ${path} HTTP/1.1\r\nHost: gw\r\n${auth === null ? '' : `Authorization: ${auth}\r\n`}Content-Length: ${body.length}\r\n\r\n${body}`;
}

void describe('gateway auth', () => {
  let up: Upstream;
  let gw: TestGateway;
  const logLines: string[] = [];

  void before(async () => {
    up = await startUpstream();
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _e, done) {
          logLines.push(chunk.toString());
          done();
        },
      }),
    );
    gw = await startGateway({ logger }, table(1, route('secure', [up.instance()], { token: TOKEN }), route('open', [up.instance()])));
  });
  void after(async () => {
    await gw.close();
    await up.close();
  });

  void it('lets services without a token through unauthenticated', async () => {
    assert.equal((await rawRequest(gw.port, plain('/api/predict/open', null))).status, 200);
  });

  void it('accepts the plain token and Bearer token, and strips Authorization before forwarding', async () => {
    for (const auth of [TOKEN, `Bearer ${TOKEN}`]) {
      const r = await rawRequest(gw.port, plain('/api/predict/secure/x', auth));
      assert.equal(r.status, 200);
      const headers = json(r).headers as Record<string, string>;
      assert.equal(headers.authorization, undefined);
      assert.equal(json(r).url, '/x');
    }
  });

  void it('accepts a Python-SDK signed request, also on a sub-path with any method', async () => {
    const r = await rawRequest(gw.port, sdkRequest('secure', '{"data":[1,2,3]}', TOKEN));
    assert.equal(r.status, 200);
    assert.equal(json(r).body, '{"data":[1,2,3]}');
    assert.equal((json(r).headers as Record<string, string>).authorization, undefined);
    const sub = await rawRequest(gw.port, sdkRequest('secure', 'abc', TOKEN, { path: '/api/predict/secure/v2/infer?x=1', method: 'PUT', contentType: 'text/csv' }));
    assert.equal(sub.status, 200);
    assert.equal(json(sub).url, '/v2/infer?x=1');
  });

  void it('answers 401 EASEL_AUTH_REQUIRED, EASEL_AUTH_INVALID and EASEL_SIGNATURE_INVALID', async () => {
    const missing = await rawRequest(gw.port, plain('/api/predict/secure', null));
    assert.equal(missing.status, 401);
    assert.equal(json(missing).code, 'EASEL_AUTH_REQUIRED');
    const wrong = await rawRequest(gw.port, plain('/api/predict/secure', 'not-the-token'));
    assert.equal(wrong.status, 401);
    assert.equal(json(wrong).code, 'EASEL_AUTH_INVALID');
    const badSig = await rawRequest(gw.port, sdkRequest('secure', 'x', 'another-token'));
    assert.equal(badSig.status, 401);
    assert.equal(json(badSig).code, 'EASEL_SIGNATURE_INVALID');
    const noDate = await rawRequest(gw.port, plain('/api/predict/secure', 'EAS AAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    assert.equal(json(noDate).code, 'EASEL_SIGNATURE_INVALID');
    assert.match(String(json(noDate).message), /missing Date header/);
  });

  void it('checks auth before limits: a 401 comes before the body is uploaded', async () => {
    const r = await rawRequest(gw.port, 'POST /api/predict/secure HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n');
    assert.equal(r.status, 401);
    assert.deepEqual(r.interim, []);
  });

  void it('never logs the token', () => {
    assert.ok(logLines.length > 0);
    assert.ok(!logLines.join('').includes(TOKEN));
  });
});
