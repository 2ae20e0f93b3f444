import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientErrorFor, rawErrorResponse } from './client-error.js';

const limits = { maxHeaderBytes: 65536, headersTimeoutMs: 20_000 };

function errWith(code: string, message = 'parse error'): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

void describe('clientErrorFor', () => {
  void it('maps parser errors to catalogue errors', () => {
    assert.equal(clientErrorFor(errWith('HPE_HEADER_OVERFLOW'), limits).code, 'EASEL_HEADERS_TOO_LARGE');
    assert.equal(clientErrorFor(errWith('ERR_HTTP_REQUEST_TIMEOUT'), limits).code, 'EASEL_REQUEST_TIMEOUT');
    const bad = clientErrorFor(errWith('HPE_INVALID_METHOD', 'Invalid method encountered'), limits);
    assert.equal(bad.code, 'EASEL_BAD_HTTP');
    assert.equal(bad.message, 'malformed HTTP request: Invalid method encountered');
  });
});

void describe('rawErrorResponse', () => {
  void it('is a complete response that closes the connection', () => {
    const raw = rawErrorResponse(clientErrorFor(errWith('HPE_HEADER_OVERFLOW'), limits));
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head ?? '', /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(head ?? '', /\r\nconnection: close$/);
    assert.match(head ?? '', new RegExp(`content-length: ${Buffer.byteLength(body ?? '')}\r\n`));
    assert.deepEqual(JSON.parse(body ?? ''), { code: 'EASEL_HEADERS_TOO_LARGE', message: 'request head exceeds 65536 bytes' });
  });
});
