// Token bucket for route.rateLimit: `rate` requests per second with one second of burst.
// Time is passed in (ms, monotonic) so the bucket is a pure object under test.

export class TokenBucket {
  #rate: number;
  #tokens: number;
  #last: number;

  constructor(rate: number, now: number) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#last = now;
  }

  get rate(): number {
    return this.#rate;
  }

  /** A new limit keeps the tokens already earned, capped at the new burst. */
  setRate(rate: number): void {
    this.#rate = rate;
    if (this.#tokens > rate) this.#tokens = rate;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#rate, this.#tokens + (elapsed * this.#rate) / 1000);
      this.#last = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }
}
