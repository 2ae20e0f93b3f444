// Checks what a processor returned and turns it into a response the host can send as is.
import { describeType } from './describe.js';

export interface NormalizedResult {
  ok: true;
  status: number;
  /** Lower-case names, content-type always present. */
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export type ResultCheck = NormalizedResult | { ok: false; reason: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, obs-text and tabs; no CR, LF or NUL (they would split or break the response head).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// The host frames the response itself; a processor's copy of these would contradict it.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer']);

export const OCTET_STREAM = 'application/octet-stream';
export const TEXT_PLAIN = 'text/plain; charset=utf-8';

function invalid(reason: string): ResultCheck {
  return { ok: false, reason: `invalid processor result: ${reason}` };
}

/** Validates a `ProcessResult`; the reason names the first thing that is wrong. */
export function checkResult(value: unknown): ResultCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(`expected an object { body, status?, headers? }, got ${describeType(value)}`);
  }
  const { body, status, headers } = value as Record<string, unknown>;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return invalid(`body must be a Buffer, Uint8Array or string, got ${describeType(body)}`);
  }
  let code = 200;
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
      const got = typeof status === 'number' ? String(status) : describeType(status);
      return invalid(`status must be an integer from 200 to 599, got ${got}`);
    }
    code = status;
  }
  // No prototype: a header named __proto__ must stay a header.
  const out = Object.create(null) as Record<string, string>;
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      return invalid(`headers must be an object of strings, got ${describeType(headers)}`);
    }
    for (const [name, v] of Object.entries(headers)) {
      if (!TOKEN.test(name)) return invalid(`header name ${JSON.stringify(name)} is not a valid HTTP token`);
      if (typeof v !== 'string') return invalid(`headers[${JSON.stringify(name)}] must be a string, got ${describeType(v)}`);
      if (!HEADER_VALUE.test(v)) return invalid(`headers[${JSON.stringify(name)}] holds a control character (CR, LF or NUL)`);
      const lower = name.toLowerCase();
      if (!FRAMING_HEADERS.has(lower)) out[lower] = v;
    }
  }
  out['content-type'] ??= typeof body === 'string' ? TEXT_PLAIN : OCTET_STREAM;
  return { ok: true, status: code, headers: out, body };
}
