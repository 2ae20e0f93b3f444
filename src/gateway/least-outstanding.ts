// Least-outstanding-requests choice over a route's instances. Ties go to the first candidate
// in rotation order, and the rotation advances per pick, so equal instances share the load.
// An instance that refused a connection recently is avoided unless nothing else is left.

export interface Candidate {
  /** Requests this gateway has in flight on the instance. */
  readonly outstanding: number;
  /** Until when (ms, monotonic clock) to avoid the instance after a refused connection. */
  readonly refusedUntil: number;
  /** Left the routing table; never picked. */
  readonly retired: boolean;
}

/**
 * Index of the instance to use, or -1 when none is eligible. `start` is the rotation offset;
 * `skip` holds instances already tried for this request.
 */
export function pickLeastOutstanding<T extends Candidate>(instances: readonly T[], start: number, now: number, skip: readonly T[]): number {
  const n = instances.length;
  let best = -1;
  let bestScore = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    const inst = instances[i]!;
    if (inst.retired || skip.includes(inst)) continue;
    // Refused instances rank after every healthy one, whatever their load.
    const score = inst.refusedUntil > now ? inst.outstanding + 1e9 : inst.outstanding;
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
