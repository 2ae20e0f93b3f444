// Turns the client's request head into the instance's, in place and without allocating:
// `POST /api/predict/svc/a?q HTTP/1.1` becomes `POST /a?q HTTP/1.1`, and the Authorization
// line (and the Expect line the gateway answered itself) are cut out. Only the bytes before a
// cut move, to the right, so the head still ends where it did and any body bytes that arrived
// with it follow it directly: head and first body bytes go out in one write.
import { SLASH } from './bytes.js';
import type { RequestHead } from './request-head.js';

/** Moves buf[from, to) so that it ends at `end`; returns its new start. */
function moveToEnd(buf: Buffer, from: number, to: number, end: number): number {
  const start = end - (to - from);
  if (start !== from && to > from) buf.copy(buf, start, from, to);
  return start;
}

/**
 * Rewrites head.buf so that buf[result, head.headEnd) is the head to send to the instance.
 * `tailStart` is where the instance's target begins in the original target (TargetMatch).
 */
export function rewriteHeadInPlace(head: RequestHead, tailStart: number, stripExpect: boolean): number {
  const buf = head.buf;
  let tail = tailStart;
  if (buf[tail] !== SLASH) {
    // Empty rest or a bare query: the byte before is the service name's last, free to reuse.
    tail--;
    buf[tail] = SLASH;
  }
  // Up to two lines to cut, ordered so that c1 comes first (and exists if any does).
  let c1 = head.authLineStart;
  let c1End = head.authLineEnd;
  let c2 = stripExpect ? head.expectLineStart : -1;
  let c2End = stripExpect ? head.expectLineEnd : -1;
  if (c1 === -1 || (c2 !== -1 && c2 < c1)) {
    const s = c1;
    const e = c1End;
    c1 = c2;
    c1End = c2End;
    c2 = s;
    c2End = e;
  }
  // Segments right to left: [c2End, headEnd), [c1End, c2), [tail, c1), then "METHOD ".
  let end = head.headEnd;
  let segEnd = head.headEnd;
  if (c2 !== -1) {
    end = moveToEnd(buf, c2End, segEnd, end);
    segEnd = c2;
  }
  if (c1 !== -1) {
    end = moveToEnd(buf, c1End, segEnd, end);
    segEnd = c1;
  }
  end = moveToEnd(buf, tail, segEnd, end);
  return moveToEnd(buf, head.start, head.methodEnd + 1, end);
}

/**
 * The path the client asked for, without its query (which may carry secrets), for logs.
 * `rewrittenTarget` is where the instance's target starts after rewriteHeadInPlace, or -1.
 */
export function clientPath(head: RequestHead, rewrittenTarget: number, service: string): string {
  let target: string;
  if (rewrittenTarget === -1) {
    target = head.target();
  } else {
    // The original target was overwritten; rebuild it from what the instance gets.
    const end = head.buf.indexOf(0x20, rewrittenTarget);
    const rest = head.buf.toString('latin1', rewrittenTarget, end === -1 ? rewrittenTarget : end);
    target = rest.startsWith('/v2/models/') ? rest : `/api/predict/${service}${rest === '/' ? '' : rest}`;
  }
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}
