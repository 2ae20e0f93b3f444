// Byte classes and small helpers shared by the HTTP/1.1 parsers. Everything works on byte
// offsets into Buffers so that the hot path allocates no strings for headers it only inspects.

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SLASH = 0x2f;
export const QUESTION = 0x3f;
export const SEMICOLON = 0x3b;
export const COMMA = 0x2c;

/** RFC 9110 tchar: the bytes allowed in methods, header names and tokens. */
export const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let b = 0x30; b <= 0x39; b++) TCHAR[b] = 1;
for (let b = 0x41; b <= 0x5a; b++) TCHAR[b] = 1;
for (let b = 0x61; b <= 0x7a; b++) TCHAR[b] = 1;

/** field-content bytes: VCHAR, obs-text, SP and HTAB. No CTL (so no CR, LF or NUL) and no DEL. */
export const FIELD_CHAR = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) FIELD_CHAR[b] = 1;
for (let b = 0x80; b <= 0xff; b++) FIELD_CHAR[b] = 1;
FIELD_CHAR[HTAB] = 1;

/** Bytes allowed in an origin-form request target: visible ASCII only. */
export const TARGET_CHAR = new Uint8Array(256);
for (let b = 0x21; b <= 0x7e; b++) TARGET_CHAR[b] = 1;

/** Hex digit values, -1 for anything else. */
export const HEX_VALUE = new Int8Array(256).fill(-1);
for (let b = 0; b <= 9; b++) HEX_VALUE[0x30 + b] = b;
for (let b = 0; b < 6; b++) {
  HEX_VALUE[0x41 + b] = 10 + b;
  HEX_VALUE[0x61 + b] = 10 + b;
}

/** `\r\n\r\n`, the end of a message head. */
export const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * True when buf[start, end) equals `lower` ignoring ASCII case. `lower` must be lowercase
 * ASCII letters and punctuation only (`| 0x20` folds letters and leaves '-' and digits alone).
 */
export function equalsLower(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Largest decimal length we accept: 15 digits stay below 2^53. */
const MAX_DECIMAL_DIGITS = 15;

/** Parses 1*DIGIT from buf[start, end); -1 when empty, too long or not all digits. */
export function parseDecimal(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > MAX_DECIMAL_DIGITS) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export const CONN_CLOSE = 1;
export const CONN_KEEP_ALIVE = 2;

/**
 * Walks the comma-separated tokens of a Connection header and reports which of the options
 * that decide persistence occur, as a bit set of CONN_* flags.
 */
export function connectionOptions(buf: Buffer, start: number, end: number): number {
  let flags = 0;
  let i = start;
  while (i < end) {
    while (i < end && (buf[i] === SP || buf[i] === HTAB || buf[i] === COMMA)) i++;
    const tokenStart = i;
    while (i < end && buf[i] !== COMMA) i++;
    let tokenEnd = i;
    while (tokenEnd > tokenStart && (buf[tokenEnd - 1] === SP || buf[tokenEnd - 1] === HTAB)) tokenEnd--;
    if (equalsLower(buf, tokenStart, tokenEnd, 'close')) flags |= CONN_CLOSE;
    else if (equalsLower(buf, tokenStart, tokenEnd, 'keep-alive')) flags |= CONN_KEEP_ALIVE;
  }
  return flags;
}
