// `logs()`: the lines of an instance's log, oldest first, optionally from the tail and
// following new output until aborted.
import type { LogOptions } from '../types.js';
import { type InstanceLog, type LogPosition } from './instance-log.js';
import { LineSplitter } from './line-splitter.js';
import { sleep } from './wait.js';

export const FOLLOW_POLL_MS = 200;

export interface LogStreamOptions extends LogOptions {
  /** False once the instance is forgotten: a follower then ends. */
  isKnown: () => boolean;
}

export async function* streamLog(log: InstanceLog, opts: LogStreamOptions): AsyncGenerator<string> {
  if (opts.tail !== undefined && (!Number.isInteger(opts.tail) || opts.tail < 0)) throw new RangeError(`tail must be an integer ≥ 0, got ${opts.tail}`);
  const signal = opts.signal;
  let pos: LogPosition = opts.tail === undefined ? log.start() : await log.tail(opts.tail);
  // Without follow, what was there when the call began, and no more.
  const until = opts.follow === true ? undefined : await log.end();
  const splitter = new LineSplitter();
  while (signal?.aborted !== true) {
    const { bytes, next } = await log.read(pos, until);
    pos = next;
    if (bytes.length > 0) {
      yield* splitter.push(bytes);
      continue;
    }
    if (until !== undefined) break;
    // Following: an unterminated line waits for its end.
    if (!opts.isKnown() || !(await sleep(FOLLOW_POLL_MS, signal))) return;
  }
  if (until === undefined || signal?.aborted === true) return;
  const rest = splitter.flush();
  if (rest !== null) yield rest;
}
