// Finds the end of a message head (`\r\n\r\n`) in bytes that arrive in arbitrary pieces.
// The common case, a whole head in one packet, costs one native indexOf and no copy; a head
// split across packets is kept as a list of pieces and joined once, so a client that sends a
// byte at a time costs linear, not quadratic, work.
import { CR, HEAD_END, LF } from './bytes.js';

export const SCAN_INCOMPLETE = 0;
export const SCAN_COMPLETE = 1;
export const SCAN_TOO_LARGE = 2;
export type ScanStatus = typeof SCAN_INCOMPLETE | typeof SCAN_COMPLETE | typeof SCAN_TOO_LARGE;

/** State of the `\r\n\r\n` matcher after one more byte (0 = nothing matched, 4 = found). */
function step(state: number, b: number): number {
  if (b === CR) return state === 2 ? 3 : 1;
  if (b === LF) return state === 1 ? 2 : state === 3 ? 4 : 0;
  return 0;
}

export class HeadScanner {
  readonly limit: number;
  /** Set by a SCAN_COMPLETE push: the head is buf[start, headEnd); buf[headEnd, buf.length) follows it. */
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  headEnd = 0;

  #parts: Buffer[] = [];
  #length = 0;
  #match = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held from earlier pushes (a head in progress). */
  get pending(): number {
    return this.#length;
  }

  reset(): void {
    if (this.#length !== 0) {
      this.#parts = [];
      this.#length = 0;
    }
    this.#match = 0;
  }

  /** Feeds buf[start, buf.length). On SCAN_INCOMPLETE every byte was taken and is held. */
  push(buf: Buffer, start: number): ScanStatus {
    if (this.#length === 0) {
      const i = buf.indexOf(HEAD_END, start);
      if (i !== -1) {
        if (i + 4 - start > this.limit) return SCAN_TOO_LARGE;
        this.buf = buf;
        this.start = start;
        this.headEnd = i + 4;
        return SCAN_COMPLETE;
      }
      return this.#hold(buf, start);
    }
    // A terminator that began in earlier pieces ends within the first three bytes of this one.
    let state = this.#match;
    for (let j = start; state !== 0 && j < buf.length && j < start + 3; j++) {
      state = step(state, buf[j]!);
      if (state === 4) return this.#join(buf, start, j + 1);
    }
    const i = buf.indexOf(HEAD_END, start);
    if (i !== -1) return this.#join(buf, start, i + 4);
    return this.#hold(buf, start);
  }

  #hold(buf: Buffer, start: number): ScanStatus {
    const len = buf.length - start;
    if (len === 0) return SCAN_INCOMPLETE;
    this.#length += len;
    if (this.#length > this.limit) {
      this.reset();
      return SCAN_TOO_LARGE;
    }
    this.#parts.push(start === 0 ? buf : buf.subarray(start));
    // The matcher state depends only on the last three bytes; shorter pieces extend the old state.
    let state = len >= 3 ? 0 : this.#match;
    for (let j = Math.max(start, buf.length - 3); j < buf.length; j++) state = step(state, buf[j]!);
    this.#match = state;
    return SCAN_INCOMPLETE;
  }

  #join(buf: Buffer, start: number, endInBuf: number): ScanStatus {
    const headLength = this.#length + (endInBuf - start);
    if (headLength > this.limit) {
      this.reset();
      return SCAN_TOO_LARGE;
    }
    this.#parts.push(start === 0 ? buf : buf.subarray(start));
    const joined = Buffer.concat(this.#parts, this.#length + (buf.length - start));
    this.#parts = [];
    this.#length = 0;
    this.#match = 0;
    this.buf = joined;
    this.start = 0;
    this.headEnd = headLength;
    return SCAN_COMPLETE;
  }
}
