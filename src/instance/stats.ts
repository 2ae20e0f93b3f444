// Counters behind GET /__easel/stats.
import type { InstanceStats } from '../contract/instance.js';

export class StatsCounters {
  completed = 0;
  failed = 0;
  rejectedQueueFull = 0;
  timedOut = 0;
  processorRestarts = 0;
  readonly #startedAt = performance.now();
  #batches: { batches: number; requests: number; sizes: Map<number, number> } | undefined;

  recordBatch(size: number): void {
    this.#batches ??= { batches: 0, requests: 0, sizes: new Map() };
    this.#batches.batches++;
    this.#batches.requests += size;
    this.#batches.sizes.set(size, (this.#batches.sizes.get(size) ?? 0) + 1);
  }

  snapshot(state: InstanceStats['state'], inFlight: number, queued: number, batching: boolean): InstanceStats {
    const b = this.#batches;
    const sizes = [...(b?.sizes ?? new Map<number, number>())].sort((x, y) => x[0] - y[0]).map(([k, v]) => [String(k), v]);
    const batchStats = batching ? { batching: { batches: b?.batches ?? 0, requests: b?.requests ?? 0, sizes: Object.fromEntries(sizes) as Record<string, number> } } : {};
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
      ...batchStats,
    };
  }
}
