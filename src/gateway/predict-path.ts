// Classifies a request target: `/healthz`, `/api/predict/<service>[/<rest>][?query]`, the
// Open Inference Protocol's `/v2/models/<service>[/<rest>]` and `/v2/health/live|ready`, or
// anything else. Works on bytes so the hot path allocates only the service name.
import { RESERVED_PATH_PREFIX } from '../contract/instance.js';
import { QUESTION, SLASH } from './bytes.js';

export const TARGET_OTHER = 0;
export const TARGET_HEALTHZ = 1;
export const TARGET_PREDICT = 2;
/** A predict path whose rest addresses the instance host's own endpoints. */
export const TARGET_RESERVED = 3;
/** `/v2/health/ready`: like /healthz, but 503 until the gateway has its routing table. */
export const TARGET_READYZ = 4;
export type TargetKind = typeof TARGET_OTHER | typeof TARGET_HEALTHZ | typeof TARGET_PREDICT | typeof TARGET_RESERVED | typeof TARGET_READYZ;

const PREDICT_PREFIX = Buffer.from('/api/predict/', 'latin1');
const HEALTHZ = Buffer.from('/healthz', 'latin1');
const V2_MODELS_PREFIX = Buffer.from('/v2/models/', 'latin1');
const V2_LIVE = Buffer.from('/v2/health/live', 'latin1');
const V2_READY = Buffer.from('/v2/health/ready', 'latin1');
const MAX_SERVICE_NAME = 63;
const RESERVED_BARE = RESERVED_PATH_PREFIX.slice(0, -1);

export class TargetMatch {
  kind: TargetKind = TARGET_OTHER;
  service = '';
  /**
   * Where the forwarded target begins in the original: at the '/' of the rest, at the '?' of
   * the query, or at the target's end (the last two need a '/' put in front).
   */
  tailStart = 0;
}

export function matchTarget(buf: Buffer, start: number, end: number, out: TargetMatch): TargetKind {
  out.kind = TARGET_OTHER;
  out.service = '';
  if (exactly(buf, start, end, HEALTHZ) || exactly(buf, start, end, V2_LIVE)) {
    out.kind = TARGET_HEALTHZ;
    return out.kind;
  }
  if (exactly(buf, start, end, V2_READY)) {
    out.kind = TARGET_READYZ;
    return out.kind;
  }
  // V2 paths go to the instance whole: the processor answers /v2/models/<service>/infer itself.
  const v2 = startsWith(buf, start, end, V2_MODELS_PREFIX);
  if (!v2 && !startsWith(buf, start, end, PREDICT_PREFIX)) return out.kind;
  const nameStart = start + (v2 ? V2_MODELS_PREFIX.length : PREDICT_PREFIX.length);
  let p = nameStart;
  const first = buf[p];
  if (first === undefined || p === end || first < 0x61 || first > 0x7a) return out.kind;
  while (p < end) {
    const b = buf[p]!;
    if ((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x5f) p++;
    else break;
  }
  if (p - nameStart > MAX_SERVICE_NAME) return out.kind;
  if (p !== end && buf[p] !== SLASH && buf[p] !== QUESTION) return out.kind;
  out.service = buf.toString('latin1', nameStart, p);
  out.tailStart = v2 ? start : p;
  const restStart = v2 ? start : p;
  out.kind = restStart < end && buf[restStart] === SLASH && isReservedRest(buf, restStart, end) ? TARGET_RESERVED : TARGET_PREDICT;
  return out.kind;
}

/** The path is `word`, alone or followed by a query. */
function exactly(buf: Buffer, start: number, end: number, word: Buffer): boolean {
  if (!startsWith(buf, start, end, word)) return false;
  const after = start + word.length;
  return after === end || buf[after] === QUESTION;
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/**
 * True when the rest path (from its leading '/') reaches the instance host's reserved paths,
 * also through percent-encoding, repeated slashes, dot segments or case tricks that a
 * normalizing server behind the gateway might undo.
 */
export function isReservedRest(buf: Buffer, start: number, end: number): boolean {
  let pathEnd = start;
  let unusual = false;
  while (pathEnd < end && buf[pathEnd] !== QUESTION) {
    const b = buf[pathEnd]!;
    if (b === 0x25 /* % */ || (b === SLASH && (buf[pathEnd + 1] === SLASH || buf[pathEnd + 1] === 0x2e /* . */))) unusual = true;
    pathEnd++;
  }
  if (unusual) {
    const normalized = normalizePath(buf.toString('latin1', start, pathEnd));
    return normalized.startsWith(RESERVED_PATH_PREFIX) || normalized === RESERVED_BARE;
  }
  // Fast path: compare "/__easel" ignoring case, then require '/' or the end of the path.
  if (pathEnd - start < RESERVED_BARE.length) return false;
  for (let i = 0; i < RESERVED_BARE.length; i++) {
    const b = buf[start + i]!;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== RESERVED_BARE.charCodeAt(i)) return false;
  }
  const next = start + RESERVED_BARE.length;
  return next === pathEnd || buf[next] === SLASH;
}

/** Decodes %XX, folds repeated slashes, resolves dot segments and lowercases (RFC 3986 §5.2.4). */
export function normalizePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the path as it was written.
  }
  const out: string[] = [];
  for (const seg of decoded.toLowerCase().split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const trailing = decoded.endsWith('/') && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}`;
}
