// Tracks where a message body ends without copying it: Content-Length bodies are counted,
// chunked bodies are walked through their size lines (validated strictly, since the bytes are
// forwarded as they are and the next hop must read the same framing) and trailers.
import { CR, FIELD_CHAR, HEX_VALUE, HTAB, LF, SEMICOLON, SP, TCHAR, COLON } from './bytes.js';
import { BODY_CLOSE, BODY_LENGTH, BODY_NONE, type BodyKind } from './response-head.js';

const S_SIZE = 0;
const S_EXT = 1;
const S_SIZE_LF = 2;
const S_DATA = 3;
const S_DATA_CR = 4;
const S_DATA_LF = 5;
const S_TRAILER_START = 6;
const S_TRAILER_NAME = 7;
const S_TRAILER_VALUE = 8;
const S_TRAILER_LF = 9;
const S_FINAL_LF = 10;

/** A chunk size line (size plus extensions) longer than this is refused. */
const MAX_SIZE_LINE = 4096;
/** Trailer section limit, like the head limit. */
const MAX_TRAILERS = 64 * 1024;
/** Chunk sizes must stay below 2^53 to be counted exactly. */
const MAX_CHUNK = Number.MAX_SAFE_INTEGER;

export class BodyFramer {
  kind: BodyKind = BODY_NONE;
  done = true;
  /** Body data bytes seen (for chunked: payload only, not framing). */
  total = 0;
  /** Set when consume() returned -1. */
  error: string | null = null;
  /** The error was the size limit (413), not a framing fault (400). */
  tooLarge = false;

  #limit = Infinity;
  #remaining = 0;
  #state = S_SIZE;
  #lineBytes = 0;
  #sizeDigits = 0;

  /** Starts a body of the given kind; `length` is the Content-Length for BODY_LENGTH. */
  reset(kind: BodyKind, length: number, limit: number): void {
    this.kind = kind;
    this.total = 0;
    this.error = null;
    this.tooLarge = false;
    this.#limit = limit;
    this.#state = S_SIZE;
    this.#lineBytes = 0;
    this.#sizeDigits = 0;
    this.#remaining = kind === BODY_LENGTH ? length : 0;
    this.done = kind === BODY_NONE || (kind === BODY_LENGTH && length === 0);
  }

  /**
   * Takes body bytes from buf[start, end). Returns how many belong to the body (the rest belong
   * to whatever follows it), or -1 when the body is malformed or too large (see error).
   */
  consume(buf: Buffer, start: number, end: number): number {
    if (this.done) return 0;
    if (this.kind === BODY_LENGTH) {
      const n = Math.min(this.#remaining, end - start);
      this.#remaining -= n;
      this.total += n;
      if (this.#remaining === 0) this.done = true;
      return n;
    }
    if (this.kind === BODY_CLOSE) {
      this.total += end - start;
      return end - start;
    }
    return this.#chunked(buf, start, end);
  }

  /** For BODY_CLOSE: the peer closed, which ends the body. */
  finishAtClose(): void {
    if (this.kind === BODY_CLOSE) this.done = true;
  }

  #fail(reason: string, tooLarge = false): number {
    this.error = reason;
    this.tooLarge = tooLarge;
    return -1;
  }

  #chunked(buf: Buffer, start: number, end: number): number {
    let p = start;
    while (p < end) {
      const b = buf[p]!;
      switch (this.#state) {
        case S_SIZE: {
          const v = HEX_VALUE[b]!;
          if (v !== -1) {
            if (this.#remaining > MAX_CHUNK / 16) return this.#fail('chunk size too large');
            if (++this.#lineBytes > MAX_SIZE_LINE) return this.#fail('chunk size line too long');
            this.#remaining = this.#remaining * 16 + v;
            this.#sizeDigits++;
            p++;
            break;
          }
          if (this.#sizeDigits === 0) return this.#fail('bad chunk size');
          if (b === SEMICOLON) this.#state = S_EXT;
          else if (b === CR) this.#state = S_SIZE_LF;
          else return this.#fail('bad chunk size');
          p++;
          break;
        }
        case S_EXT:
          if (b === CR) this.#state = S_SIZE_LF;
          else if (FIELD_CHAR[b] !== 1) return this.#fail('invalid character in a chunk extension');
          else if (++this.#lineBytes > MAX_SIZE_LINE) return this.#fail('chunk size line too long');
          p++;
          break;
        case S_SIZE_LF:
          if (b !== LF) return this.#fail('bad chunk size line (CR without LF)');
          p++;
          this.#sizeDigits = 0;
          this.#lineBytes = 0;
          if (this.#remaining === 0) {
            this.#state = S_TRAILER_START;
          } else {
            if (this.total + this.#remaining > this.#limit) {
              return this.#fail(`body exceeds ${this.#limit} bytes`, true);
            }
            this.#state = S_DATA;
          }
          break;
        case S_DATA: {
          const n = Math.min(this.#remaining, end - p);
          this.#remaining -= n;
          this.total += n;
          p += n;
          if (this.#remaining === 0) this.#state = S_DATA_CR;
          break;
        }
        case S_DATA_CR:
          if (b !== CR) return this.#fail('chunk data longer than its size');
          this.#state = S_DATA_LF;
          p++;
          break;
        case S_DATA_LF:
          if (b !== LF) return this.#fail('chunk data not followed by CRLF');
          this.#state = S_SIZE;
          p++;
          break;
        case S_TRAILER_START:
          if (b === CR) {
            this.#state = S_FINAL_LF;
          } else if (TCHAR[b] === 1) {
            this.#state = S_TRAILER_NAME;
            this.#lineBytes++;
          } else {
            return this.#fail('malformed trailer');
          }
          p++;
          break;
        case S_TRAILER_NAME:
          if (b === COLON) this.#state = S_TRAILER_VALUE;
          else if (TCHAR[b] !== 1) return this.#fail('malformed trailer');
          if (++this.#lineBytes > MAX_TRAILERS) return this.#fail('trailers too large');
          p++;
          break;
        case S_TRAILER_VALUE:
          if (b === CR) this.#state = S_TRAILER_LF;
          else if (FIELD_CHAR[b] !== 1 && b !== SP && b !== HTAB) return this.#fail('invalid character in a trailer');
          if (++this.#lineBytes > MAX_TRAILERS) return this.#fail('trailers too large');
          p++;
          break;
        case S_TRAILER_LF:
          if (b !== LF) return this.#fail('bare CR in trailers');
          this.#state = S_TRAILER_START;
          p++;
          break;
        case S_FINAL_LF:
          if (b !== LF) return this.#fail('bad last chunk (CR without LF)');
          this.done = true;
          return p + 1 - start;
        default:
          return this.#fail('internal framing state');
      }
    }
    return end - start;
  }
}
