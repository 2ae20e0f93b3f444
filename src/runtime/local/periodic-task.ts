// A loop that runs an async step at an interval, never overlapping itself, with a state and
// close(). Steps that throw are logged and the loop goes on: timers must never throw.
import { performance } from 'node:perf_hooks';
import type { RuntimeLog } from './options.js';
import { sleep } from './wait.js';

export type PeriodicTaskState = 'running' | 'closed';

export interface PeriodicTaskOptions {
  name: string;
  /** Delay between the starts of two steps; read before each wait, so it may change. */
  intervalMs: () => number;
  /** Delay before the first step. @default intervalMs() */
  initialDelayMs?: number;
  /** One step. Returning 'stop' ends the loop. The signal aborts when close() is called. */
  step: (signal: AbortSignal) => Promise<'stop' | void>;
  log: RuntimeLog;
}

export class PeriodicTask {
  #state: PeriodicTaskState = 'running';
  readonly #abort = new AbortController();
  readonly #opts: PeriodicTaskOptions;
  readonly #loop: Promise<void>;

  constructor(opts: PeriodicTaskOptions) {
    this.#opts = opts;
    this.#loop = this.#run();
  }

  get state(): PeriodicTaskState {
    return this.#state;
  }

  /** Stops the loop, aborts the step under way and resolves once it has returned. */
  close(): Promise<void> {
    this.#state = 'closed';
    this.#abort.abort();
    return this.#loop;
  }

  async #run(): Promise<void> {
    const { signal } = this.#abort;
    let wait = this.#opts.initialDelayMs ?? this.#opts.intervalMs();
    try {
      while (this.#state === 'running' && (await sleep(wait, signal))) {
        const started = performance.now();
        try {
          if ((await this.#opts.step(signal)) === 'stop') break;
        } catch (err) {
          if (!signal.aborted) this.#opts.log.warn({ err, task: this.#opts.name }, 'periodic step failed');
        }
        wait = Math.max(0, this.#opts.intervalMs() - (performance.now() - started));
      }
    } catch (err) {
      this.#opts.log.error({ err, task: this.#opts.name }, 'periodic task ended unexpectedly');
    } finally {
      this.#state = 'closed';
    }
  }
}
