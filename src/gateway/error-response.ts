// Responses the gateway writes itself: JSON errors from the catalogue and /healthz.
import type { ErrorDef } from '../contract/errors.js';

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  499: 'Client Closed Request',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const CONTINUE_100 = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

let dateSecond = -1;
let dateValue = '';

/** The Date header value, formatted at most once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/** How the client connection continues after a response the gateway wrote. */
export const CONN_CLOSE_AFTER = 0;
export const CONN_KEEP_11 = 1;
/** An HTTP/1.0 client that asked for keep-alive must be told it got it. */
export const CONN_KEEP_10 = 2;
export type ConnectionMode = typeof CONN_CLOSE_AFTER | typeof CONN_KEEP_11 | typeof CONN_KEEP_10;

export function jsonResponse(status: number, body: string, mode: ConnectionMode, headOnly = false): Buffer {
  const connection = mode === CONN_CLOSE_AFTER ? 'Connection: close\r\n' : mode === CONN_KEEP_10 ? 'Connection: keep-alive\r\n' : '';
  const head =
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
    `Date: ${httpDate()}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `${connection}\r\n`;
  return Buffer.from(headOnly ? head : head + body, 'utf8');
}

const withReasonCache = new Map<ErrorDef, ErrorDef>();

/** The catalogue entry with `: {reason}` appended, for errors that carry a cause. */
export function withReason(def: ErrorDef): ErrorDef {
  let d = withReasonCache.get(def);
  if (d === undefined) {
    d = { ...def, message: `${def.message}: {reason}` };
    withReasonCache.set(def, d);
  }
  return d;
}
