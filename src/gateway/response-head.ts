// Parser for an instance's response head. The gateway forwards response bytes unchanged, so it
// reads only what decides framing and connection reuse: status, version, Content-Length,
// Transfer-Encoding, Connection and Keep-Alive. Line structure is still checked strictly so
// the gateway and the client cannot disagree on where the response ends.
import {
  CONN_CLOSE,
  CONN_KEEP_ALIVE,
  COLON,
  COMMA,
  CR,
  FIELD_CHAR,
  HTAB,
  LF,
  SP,
  TCHAR,
  connectionOptions,
  equalsLower,
  parseDecimal,
} from './bytes.js';

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;
/** Delimited by the instance closing the connection. */
export const BODY_CLOSE = 3;
export type BodyKind = typeof BODY_NONE | typeof BODY_LENGTH | typeof BODY_CHUNKED | typeof BODY_CLOSE;

export class ResponseHead {
  status = 0;
  version = 11;
  contentLength = -1;
  /** A Transfer-Encoding header was present. */
  encoded = false;
  /** ...and its final coding is chunked. */
  chunked = false;
  keepAlive = true;
  /** From `Keep-Alive: timeout=N`, in ms; -1 when absent. */
  keepAliveTimeoutMs = -1;
}

/**
 * Parses buf[start, headEnd) (ending with CRLF CRLF) into `out`. Returns null when usable, else
 * the reason the response is malformed (the gateway answers 502 for it).
 */
export function parseResponseHead(buf: Buffer, start: number, headEnd: number, out: ResponseHead): string | null {
  out.contentLength = -1;
  out.encoded = false;
  out.chunked = false;
  out.keepAliveTimeoutMs = -1;
  let p = start;
  // status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF
  if (buf[p] !== 0x48 || buf[p + 1] !== 0x54 || buf[p + 2] !== 0x54 || buf[p + 3] !== 0x50 || buf[p + 4] !== 0x2f || buf[p + 5] !== 0x31 || buf[p + 6] !== 0x2e) {
    return 'malformed status line';
  }
  const minor = buf[p + 7];
  if (minor !== 0x30 && minor !== 0x31) return 'unsupported HTTP version in the status line';
  out.version = minor === 0x31 ? 11 : 10;
  p += 8;
  if (buf[p] !== SP) return 'malformed status line';
  const d0 = buf[p + 1]! - 0x30;
  const d1 = buf[p + 2]! - 0x30;
  const d2 = buf[p + 3]! - 0x30;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return 'malformed status code';
  out.status = d0 * 100 + d1 * 10 + d2;
  p += 4;
  if (buf[p] === SP) {
    p++;
    while (FIELD_CHAR[buf[p]!] === 1) p++;
  }
  if (buf[p] !== CR || buf[p + 1] !== LF) return 'malformed status line';
  p += 2;

  let connection = 0;
  const fieldsEnd = headEnd - 2;
  while (p < fieldsEnd) {
    const lineStart = p;
    while (TCHAR[buf[p]!] === 1) p++;
    const nameEnd = p;
    if (nameEnd === lineStart || buf[p] !== COLON) return 'malformed header line';
    p++;
    while (buf[p] === SP || buf[p] === HTAB) p++;
    const valueStart = p;
    while (FIELD_CHAR[buf[p]!] === 1) p++;
    if (buf[p] !== CR || buf[p + 1] !== LF) return 'malformed header line';
    let valueEnd = p;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    p += 2;

    switch (nameEnd - lineStart) {
      case 10:
        if (equalsLower(buf, lineStart, nameEnd, 'connection')) connection |= connectionOptions(buf, valueStart, valueEnd);
        else if (equalsLower(buf, lineStart, nameEnd, 'keep-alive')) out.keepAliveTimeoutMs = keepAliveTimeout(buf, valueStart, valueEnd);
        break;
      case 14:
        if (equalsLower(buf, lineStart, nameEnd, 'content-length')) {
          const n = parseDecimal(buf, valueStart, valueEnd);
          if (n === -1) return 'invalid Content-Length';
          if (out.contentLength !== -1 && out.contentLength !== n) return 'conflicting Content-Length';
          out.contentLength = n;
        }
        break;
      case 17:
        if (equalsLower(buf, lineStart, nameEnd, 'transfer-encoding')) {
          out.encoded = true;
          out.chunked = finalCodingIsChunked(buf, valueStart, valueEnd);
        }
        break;
      default:
        break;
    }
  }
  out.keepAlive = out.version === 11 ? (connection & CONN_CLOSE) === 0 : (connection & CONN_KEEP_ALIVE) !== 0 && (connection & CONN_CLOSE) === 0;
  return null;
}

/** How the body of a response with this head is delimited (RFC 9112 §6.3). */
export function responseBodyKind(head: ResponseHead, requestWasHead: boolean): BodyKind {
  const s = head.status;
  if (requestWasHead || s < 200 || s === 204 || s === 304) return BODY_NONE;
  if (head.encoded) return head.chunked ? BODY_CHUNKED : BODY_CLOSE;
  if (head.contentLength === 0) return BODY_NONE;
  return head.contentLength > 0 ? BODY_LENGTH : BODY_CLOSE;
}

function finalCodingIsChunked(buf: Buffer, start: number, end: number): boolean {
  let i = end;
  while (i > start && buf[i - 1] !== COMMA) i--;
  while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
  return equalsLower(buf, i, end, 'chunked');
}

/** `timeout=N` in a Keep-Alive value, in ms; -1 when absent. Scans bytes: every response has one. */
function keepAliveTimeout(buf: Buffer, start: number, end: number): number {
  let at = -1;
  for (let i = start; i + 8 <= end; i++) {
    if ((buf[i] === 0x74 || buf[i] === 0x54) && equalsLower(buf, i, i + 8, 'timeout=')) {
      at = i;
      break;
    }
  }
  if (at === -1) return -1;
  let i = at + 8;
  const digitsStart = i;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
  const seconds = parseDecimal(buf, digitsStart, i);
  return seconds === -1 ? -1 : seconds * 1000;
}
