// Strict parser for a complete HTTP/1.1 request head (RFC 9112), written to be smuggling-safe:
// anything a lenient peer could read differently is rejected. It records byte offsets, not
// strings, so forwarding needs no per-header allocation; one RequestHead is reused per connection.
import {
  CONN_CLOSE,
  CONN_KEEP_ALIVE,
  COLON,
  CR,
  FIELD_CHAR,
  HTAB,
  LF,
  SP,
  TARGET_CHAR,
  TCHAR,
  connectionOptions,
  equalsLower,
  parseDecimal,
} from './bytes.js';

export class RequestHead {
  buf: Buffer = Buffer.alloc(0);
  /** Start of the request line (after any empty lines that preceded it). */
  start = 0;
  /** End of the head, just after its final CRLF CRLF. */
  headEnd = 0;
  /** True when the head held nothing but empty lines (RFC 9112 §2.2 says to ignore them). */
  empty = false;
  methodEnd = 0;
  targetStart = 0;
  targetEnd = 0;
  /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
  version = 11;
  isHeadMethod = false;
  /** -1 when absent. */
  contentLength = -1;
  chunked = false;
  /** Whether the client wants the connection kept after this exchange. */
  keepAlive = true;
  upgradeStart = -1;
  upgradeEnd = -1;
  expectContinue = false;
  expectLineStart = -1;
  expectLineEnd = -1;
  authStart = -1;
  authEnd = -1;
  authLineStart = -1;
  authLineEnd = -1;
  md5Start = -1;
  md5End = -1;
  typeStart = -1;
  typeEnd = -1;
  dateStart = -1;
  dateEnd = -1;

  get hasUpgrade(): boolean {
    return this.upgradeStart !== -1;
  }

  method(): string {
    return this.buf.toString('latin1', this.start, this.methodEnd);
  }

  target(): string {
    return this.buf.toString('latin1', this.targetStart, this.targetEnd);
  }

  reset(buf: Buffer, start: number, headEnd: number): void {
    this.buf = buf;
    this.start = start;
    this.headEnd = headEnd;
    this.empty = false;
    this.methodEnd = start;
    this.targetStart = start;
    this.targetEnd = start;
    this.version = 11;
    this.isHeadMethod = false;
    this.contentLength = -1;
    this.chunked = false;
    this.keepAlive = true;
    this.upgradeStart = -1;
    this.upgradeEnd = -1;
    this.expectContinue = false;
    this.expectLineStart = -1;
    this.expectLineEnd = -1;
    this.authStart = -1;
    this.authEnd = -1;
    this.authLineStart = -1;
    this.authLineEnd = -1;
    this.md5Start = -1;
    this.md5End = -1;
    this.typeStart = -1;
    this.typeEnd = -1;
    this.dateStart = -1;
    this.dateEnd = -1;
  }

  /** The value of a recorded header, or undefined when absent. */
  value(start: number, end: number): string | undefined {
    return start === -1 ? undefined : this.buf.toString('latin1', start, end);
  }
}

/**
 * Parses buf[start, headEnd), which must end with CRLF CRLF (see HeadScanner), into `out`.
 * Returns null when the head is acceptable, else the reason it is not (for 400 EASEL_BAD_HTTP).
 */
export function parseRequestHead(buf: Buffer, start: number, headEnd: number, out: RequestHead): string | null {
  let p = start;
  while (p + 1 < headEnd && buf[p] === CR && buf[p + 1] === LF) p += 2;
  out.reset(buf, p, headEnd);
  if (p === headEnd) {
    out.empty = true;
    return null;
  }

  // request-line = method SP request-target SP HTTP-version CRLF
  while (TCHAR[buf[p]!] === 1) p++;
  if (p === out.start || buf[p] !== SP) return p === out.start ? 'malformed request line' : 'invalid character in method';
  out.methodEnd = p;
  out.isHeadMethod = p - out.start === 4 && buf[out.start] === 0x48 && buf[out.start + 1] === 0x45 && buf[out.start + 2] === 0x41 && buf[out.start + 3] === 0x44;
  p++;
  out.targetStart = p;
  if (buf[p] !== 0x2f) return buf[p] === SP ? 'malformed request line' : 'request target must start with "/"';
  while (TARGET_CHAR[buf[p]!] === 1) p++;
  if (buf[p] !== SP) return 'invalid character in request target';
  out.targetEnd = p;
  p++;
  const version = httpVersion(buf, p);
  if (version === -1) return 'malformed request line';
  if (version === 0) return `unsupported HTTP version ${buf.toString('latin1', p, Math.min(p + 8, headEnd))}`;
  out.version = version;
  p += 8;
  if (buf[p] !== CR || buf[p + 1] !== LF) return 'malformed request line';
  p += 2;

  let hosts = 0;
  let connection = 0;
  let sawLength = false;
  let sawEncoding = false;
  // The final CRLF of the head is at headEnd - 2.
  const fieldsEnd = headEnd - 2;
  while (p < fieldsEnd) {
    const lineStart = p;
    const first = buf[p]!;
    if (first === SP || first === HTAB) return 'obsolete line folding in headers';
    while (TCHAR[buf[p]!] === 1) p++;
    const nameEnd = p;
    if (buf[p] !== COLON) {
      if (buf[p] === SP || buf[p] === HTAB) return 'whitespace before the colon in a header';
      return nameEnd === lineStart ? 'malformed header line' : 'invalid character in a header name';
    }
    if (nameEnd === lineStart) return 'empty header name';
    p++;
    while (buf[p] === SP || buf[p] === HTAB) p++;
    const valueStart = p;
    while (FIELD_CHAR[buf[p]!] === 1) p++;
    if (buf[p] !== CR) return buf[p] === LF ? 'bare LF in headers' : 'invalid character in a header value';
    if (buf[p + 1] !== LF) return 'bare CR in headers';
    let valueEnd = p;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    p += 2;

    // Dispatch on the name length first so most headers cost one switch and no compare.
    switch (nameEnd - lineStart) {
      case 4:
        if (equalsLower(buf, lineStart, nameEnd, 'host')) hosts++;
        else if (equalsLower(buf, lineStart, nameEnd, 'date')) setOnce(out, 'date', valueStart, valueEnd);
        break;
      case 6:
        if (equalsLower(buf, lineStart, nameEnd, 'expect') && equalsLower(buf, valueStart, valueEnd, '100-continue')) {
          out.expectContinue = true;
          out.expectLineStart = lineStart;
          out.expectLineEnd = p;
        }
        break;
      case 7:
        if (equalsLower(buf, lineStart, nameEnd, 'upgrade')) {
          out.upgradeStart = valueStart;
          out.upgradeEnd = valueEnd;
        }
        break;
      case 10:
        if (equalsLower(buf, lineStart, nameEnd, 'connection')) connection |= connectionOptions(buf, valueStart, valueEnd);
        break;
      case 11:
        if (equalsLower(buf, lineStart, nameEnd, 'content-md5')) setOnce(out, 'md5', valueStart, valueEnd);
        break;
      case 12:
        if (equalsLower(buf, lineStart, nameEnd, 'content-type')) setOnce(out, 'type', valueStart, valueEnd);
        break;
      case 13:
        if (equalsLower(buf, lineStart, nameEnd, 'authorization')) {
          if (out.authLineStart !== -1) return 'duplicate Authorization header';
          out.authStart = valueStart;
          out.authEnd = valueEnd;
          out.authLineStart = lineStart;
          out.authLineEnd = p;
        }
        break;
      case 14:
        if (equalsLower(buf, lineStart, nameEnd, 'content-length')) {
          if (sawLength) return 'duplicate Content-Length';
          sawLength = true;
          out.contentLength = parseDecimal(buf, valueStart, valueEnd);
          if (out.contentLength === -1) return 'invalid Content-Length';
        }
        break;
      case 17:
        if (equalsLower(buf, lineStart, nameEnd, 'transfer-encoding')) {
          if (sawEncoding) return 'duplicate Transfer-Encoding';
          sawEncoding = true;
          if (!equalsLower(buf, valueStart, valueEnd, 'chunked')) return 'unsupported Transfer-Encoding (only "chunked" is accepted)';
          out.chunked = true;
        }
        break;
      default:
        break;
    }
  }

  if (sawLength && sawEncoding) return 'both Content-Length and Transfer-Encoding';
  if (sawEncoding && out.version === 10) return 'Transfer-Encoding in an HTTP/1.0 request';
  if (hosts > 1) return 'more than one Host header';
  if (hosts === 0 && out.version === 11) return 'missing Host header';
  out.keepAlive = out.version === 11 ? (connection & CONN_CLOSE) === 0 : (connection & CONN_KEEP_ALIVE) !== 0 && (connection & CONN_CLOSE) === 0;
  return null;
}

/** 11 for `HTTP/1.1`, 10 for `HTTP/1.0`, 0 for another well-formed version, -1 when malformed. */
function httpVersion(buf: Buffer, p: number): number {
  if (buf[p] !== 0x48 || buf[p + 1] !== 0x54 || buf[p + 2] !== 0x54 || buf[p + 3] !== 0x50 || buf[p + 4] !== 0x2f || buf[p + 6] !== 0x2e) return -1;
  const major = buf[p + 5]! - 0x30;
  const minor = buf[p + 7]! - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return -1;
  if (major === 1 && minor === 1) return 11;
  if (major === 1 && minor === 0) return 10;
  return 0;
}

function setOnce(out: RequestHead, which: 'date' | 'md5' | 'type', start: number, end: number): void {
  if (which === 'date') {
    if (out.dateStart === -1) {
      out.dateStart = start;
      out.dateEnd = end;
    }
  } else if (which === 'md5') {
    if (out.md5Start === -1) {
      out.md5Start = start;
      out.md5End = end;
    }
  } else if (out.typeStart === -1) {
    out.typeStart = start;
    out.typeEnd = end;
  }
}
