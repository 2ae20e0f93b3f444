// Reads a whole request body, bounded by a size limit.
import type { IncomingMessage } from 'node:http';

export type BodyOutcome = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

const EMPTY = Buffer.alloc(0);

/** Calls `done` exactly once, unless the request simply goes away (the response's close handles that). */
export function readBody(req: IncomingMessage, maxBytes: number, done: (outcome: BodyOutcome) => void): void {
  const chunks: Buffer[] = [];
  let total = 0;
  let settled = false;
  const finish = (outcome: BodyOutcome): void => {
    if (settled) return;
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    done(outcome);
  };
  const onData = (chunk: Buffer): void => {
    total += chunk.byteLength;
    if (total > maxBytes) {
      chunks.length = 0;
      finish({ ok: false, reason: 'too-large' });
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = (): void => {
    // One chunk (the usual small request) is used as is: no copy.
    const body = chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] ?? EMPTY) : Buffer.concat(chunks, total);
    finish({ ok: true, body });
  };
  req.on('data', onData);
  req.on('end', onEnd);
  // Registered for good: an 'error' without a listener would be thrown.
  req.on('error', () => finish({ ok: false, reason: 'aborted' }));
}

const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * Whether to keep the connection after answering without reading the body: Node then discards
 * the body to reach the next request. For a small body that beats a new connection; a large or
 * chunked one is cheaper to cut off.
 */
export function cheapToDrain(req: IncomingMessage): boolean {
  if (req.complete) return true;
  if (req.headers['transfer-encoding'] !== undefined) return false;
  return Number(req.headers['content-length'] ?? 0) <= DRAIN_LIMIT_BYTES;
}
