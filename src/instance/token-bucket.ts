// rpc.rate_limit: a token bucket holding one second of burst. Pure: the caller passes the time.

export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #last: number;

  /** `perSecond` requests per second, up to `perSecond` at once after a quiet second. */
  constructor(perSecond: number, nowMs: number) {
    this.#capacity = perSecond;
    this.#ratePerMs = perSecond / 1000;
    this.#tokens = perSecond;
    this.#last = nowMs;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    const elapsed = nowMs - this.#last;
    // A clock that steps back must not drain or overfill the bucket.
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
      this.#last = nowMs;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
