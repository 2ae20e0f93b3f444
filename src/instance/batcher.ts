// Dynamic batching: calls admitted to run wait here until max_batch_size of them are pending
// or the oldest has waited max_batch_timeout, then go to the processor as one batch. At most
// `maxInFlight` batches run at once (rpc.worker_threads); while they do, pending calls keep
// gathering, so a busy processor gets fuller batches.

export interface BatcherOptions<J> {
  maxBatchSize: number;
  maxBatchTimeoutMs: number;
  maxInFlight: number;
  dispatch(jobs: J[]): void;
}

export class Batcher<J> {
  readonly #opts: BatcherOptions<J>;
  /** Jobs waiting for a batch, oldest first, with when each arrived (performance.now()). */
  #pending: { job: J; at: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #dispatching = false;

  constructor(opts: BatcherOptions<J>) {
    this.#opts = opts;
  }

  get pending(): number {
    return this.#pending.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  add(job: J): void {
    this.#pending.push({ job, at: performance.now() });
    this.#flush();
  }

  /** Takes back a job that has not been dispatched (its deadline passed or its client left). */
  remove(job: J): boolean {
    const i = this.#pending.findIndex((p) => p.job === job);
    if (i < 0) return false;
    this.#pending.splice(i, 1);
    if (this.#pending.length === 0) this.#clearTimer();
    return true;
  }

  /** A dispatched batch has finished: every job in it settled or expired. */
  batchDone(): void {
    this.#inFlight--;
    this.#flush();
  }

  /** Dispatches everything pending at once, ignoring the timeout (used when draining). */
  flushAll(): void {
    while (this.#pending.length > 0) this.#dispatch();
  }

  #flush(): void {
    // dispatch() may settle jobs synchronously and call batchDone() from inside; the outer loop continues.
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      while (this.#pending.length > 0 && this.#inFlight < this.#opts.maxInFlight) {
        const due = this.#pending.length >= this.#opts.maxBatchSize || performance.now() - this.#oldestAt() >= this.#opts.maxBatchTimeoutMs;
        if (!due) break;
        this.#dispatch();
      }
    } finally {
      this.#dispatching = false;
    }
    this.#arm();
  }

  #dispatch(): void {
    const jobs = this.#pending.splice(0, this.#opts.maxBatchSize).map((p) => p.job);
    this.#inFlight++;
    this.#opts.dispatch(jobs);
  }

  #arm(): void {
    this.#clearTimer();
    if (this.#pending.length === 0 || this.#inFlight >= this.#opts.maxInFlight) return;
    const wait = Math.max(0, this.#opts.maxBatchTimeoutMs - (performance.now() - this.#oldestAt()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
    }, wait);
  }

  #oldestAt(): number {
    return this.#pending[0]?.at ?? performance.now();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.#clearTimer();
  }
}
