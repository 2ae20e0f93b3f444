// Writing responses: host-made errors as JSON from the error catalogue, processor results as is.
import type { ServerResponse } from 'node:http';
import type { EaselError } from '../contract/errors.js';

export function sendJson(res: ServerResponse, status: number, value: unknown, close: boolean): void {
  const body = JSON.stringify(value);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

export function sendError(res: ServerResponse, err: EaselError, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  sendJson(res, err.status, err.toBody(), close);
}

/** 204 and 304 carry no body, so no content-length either. */
function bodiless(status: number): boolean {
  return status === 204 || status === 304;
}

/**
 * Sends a processor's result. `headers` is the outcome's own object (checked by the runner) and
 * gets the framing headers added. Throws when Node rejects a header, before anything is sent.
 */
export function sendResult(res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer, close: boolean): void {
  if (close) headers.connection = 'close';
  if (bodiless(status)) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  headers['content-length'] = body.byteLength;
  res.writeHead(status, headers);
  res.end(body);
}
