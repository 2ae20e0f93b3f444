// Counters behind GET /__easel/stats.
import type { InstanceStats } from '../contract/instance.js';

export class StatsCounters {
  completed = 0;
  failed = 0;
  rejectedQueueFull = 0;
  timedOut = 0;
  processorRestarts = 0;
  readonly #startedAt = performance.now();

  snapshot(state: InstanceStats['state'], inFlight: number, queued: number): InstanceStats {
    return {
      state,
      inFlight,
      queued,
      completed: this.completed,
      failed: this.failed,
      rejectedQueueFull: this.rejectedQueueFull,
      timedOut: this.timedOut,
      processorRestarts: this.processorRestarts,
      uptimeSeconds: Math.floor((performance.now() - this.#startedAt) / 1000),
    };
  }
}
