import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Errors } from '../contract/errors.js';
import { RouteAuth, authorize, stringToSign } from './auth.js';
import { RequestHead, parseRequestHead } from './request-head.js';

const TOKEN = 'NjU3ZDk5YmE4YjM2Mzg5MTA1ZTk2MjFkMjQ1NzE0MzE2YTRmMmE5Mw==';
const DATE = 'Mon, 15 Jan 2024 10:00:00 GMT';

function head(lines: string[], target = '/api/predict/svc', method = 'POST'): RequestHead {
  const buf = Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: g\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`, 'latin1');
  const h = new RequestHead();
  assert.equal(parseRequestHead(buf, 0, buf.length, h), null);
  return h;
}

/** Exactly what the Python SDK (eas_prediction) does: sign "POST\n<md5>\n<type>\n<date>\n<path>" stripped. */
function pythonSdkSignature(token: string, md5: string, type: string, date: string, path: string, verb = 'POST'): string {
  const auth = `${verb}\n${md5}\n${type}\n${date}\n${path}`;
  return createHmac('sha1', token).update(auth.trim()).digest('base64');
}

void describe('authorize', () => {
  const auth = new RouteAuth(TOKEN);

  void it('accepts the plain token, bare or as Bearer', () => {
    assert.equal(authorize(auth, head([`Authorization: ${TOKEN}`]), 'svc'), null);
    assert.equal(authorize(auth, head([`Authorization: Bearer ${TOKEN}`]), 'svc'), null);
    assert.equal(authorize(auth, head([`Authorization: bearer ${TOKEN}`]), 'svc'), null);
  });

  void it('tells a missing token from a wrong one', () => {
    assert.equal(authorize(auth, head([]), 'svc')?.def, Errors.AuthRequired);
    assert.equal(authorize(auth, head(['Authorization: ']), 'svc')?.def, Errors.AuthRequired);
    assert.equal(authorize(auth, head(['Authorization: nope']), 'svc')?.def, Errors.AuthInvalid);
    assert.equal(authorize(auth, head([`Authorization: ${TOKEN}x`]), 'svc')?.def, Errors.AuthInvalid);
    assert.equal(authorize(auth, head([`Authorization: ${TOKEN.slice(1)}`]), 'svc')?.def, Errors.AuthInvalid);
  });

  void it('accepts the Python SDK signature recipe', () => {
    const md5 = 'e2fc714c4727ee9395f324cd2e7f331f';
    const sig = pythonSdkSignature(TOKEN, md5, 'application/octet-stream', DATE, '/api/predict/svc');
    assert.equal(authorize(auth, head([`Content-MD5: ${md5}`, `Date: ${DATE}`, `Authorization: EAS ${sig}`]), 'svc'), null);
  });

  void it('defaults the Content-Type to application/octet-stream and uses it when sent', () => {
    const sig = pythonSdkSignature(TOKEN, 'abc', 'application/json', DATE, '/api/predict/svc');
    assert.equal(authorize(auth, head(['Content-MD5: abc', 'Content-Type: application/json', `Date: ${DATE}`, `Authorization: EAS ${sig}`]), 'svc'), null);
    assert.equal(authorize(auth, head(['Content-MD5: abc', `Date: ${DATE}`, `Authorization: EAS ${sig}`]), 'svc')?.def, Errors.SignatureInvalid);
  });

  void it('trims the string to sign as the SDK does (empty fields at the ends)', () => {
    assert.equal(stringToSign('POST', '', 'application/octet-stream', DATE, '/api/predict/svc'), `POST\n\napplication/octet-stream\n${DATE}\n/api/predict/svc`);
    assert.equal(stringToSign('POST', 'm', 't', 'd', ' '), 'POST\nm\nt\nd');
  });

  void it('takes the Content-MD5 as sent, not recomputed (the Java SDK drops leading zeros)', () => {
    const md5 = 'fc714c4727ee9395f324cd2e7f331f';
    const sig = pythonSdkSignature(TOKEN, md5, 'application/octet-stream', DATE, '/api/predict/svc');
    assert.equal(authorize(auth, head([`Content-MD5: ${md5}`, `Date: ${DATE}`, `Authorization: EAS ${sig}`]), 'svc'), null);
  });

  void it('accepts the SDK form and the literal request for sub-paths and other methods', () => {
    const target = '/api/predict/svc/v1/infer?x=1';
    const lines = (sig: string): string[] => ['Content-MD5: m', `Date: ${DATE}`, `Authorization: EAS ${sig}`];
    const sdk = pythonSdkSignature(TOKEN, 'm', 'application/octet-stream', DATE, '/api/predict/svc');
    const literalPath = pythonSdkSignature(TOKEN, 'm', 'application/octet-stream', DATE, '/api/predict/svc/v1/infer');
    const literalVerb = pythonSdkSignature(TOKEN, 'm', 'application/octet-stream', DATE, '/api/predict/svc/v1/infer', 'PUT');
    assert.equal(authorize(auth, head(lines(sdk), target, 'PUT'), 'svc'), null);
    assert.equal(authorize(auth, head(lines(literalPath), target, 'PUT'), 'svc'), null);
    assert.equal(authorize(auth, head(lines(literalVerb), target, 'PUT'), 'svc'), null);
    const withQuery = pythonSdkSignature(TOKEN, 'm', 'application/octet-stream', DATE, target);
    assert.equal(authorize(auth, head(lines(withQuery), target, 'PUT'), 'svc')?.def, Errors.SignatureInvalid);
  });

  void it('names what is wrong with a bad signature', () => {
    const sig = pythonSdkSignature(TOKEN, 'm', 'application/octet-stream', DATE, '/api/predict/svc');
    const noDate = authorize(auth, head(['Content-MD5: m', `Authorization: EAS ${sig}`]), 'svc');
    assert.equal(noDate?.def, Errors.SignatureInvalid);
    assert.match(noDate?.reason ?? '', /missing Date header/);
    assert.match(authorize(auth, head([`Date: ${DATE}`, 'Authorization: EAS not*base64']), 'svc')?.reason ?? '', /not base64/);
    assert.match(authorize(auth, head([`Date: ${DATE}`, 'Authorization: EAS c2hvcnQ=']), 'svc')?.reason ?? '', /not an HMAC-SHA1/);
    const wrongKey = pythonSdkSignature('other', 'm', 'application/octet-stream', DATE, '/api/predict/svc');
    assert.match(authorize(auth, head(['Content-MD5: m', `Date: ${DATE}`, `Authorization: EAS ${wrongKey}`]), 'svc')?.reason ?? '', /does not match/);
    const otherDate = authorize(auth, head(['Content-MD5: m', 'Date: Tue, 16 Jan 2024 10:00:00 GMT', `Authorization: EAS ${sig}`]), 'svc');
    assert.equal(otherDate?.def, Errors.SignatureInvalid);
  });
});
