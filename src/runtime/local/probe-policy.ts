// What probe results mean for an instance: a pure reducer over consecutive failures.

export interface ProbeState {
  /** 'starting' until the first readiness success; never 'starting' again after that. */
  phase: 'starting' | 'ready' | 'unready';
  readinessFailures: number;
  livenessFailures: number;
  /** The last readiness failure, kept while the instance is not ready. */
  lastError: string | null;
}

export interface ProbeRules {
  failureThreshold: number;
  /** Containers have no liveness endpoint: sustained readiness failure counts instead. */
  livenessFromReadiness: boolean;
}

/** One round: readiness always; liveness only when `wantsLiveness` said so (else undefined). */
export interface ProbeRound {
  readiness: string | null;
  liveness?: string | null;
}

export interface ProbeDecision {
  state: ProbeState;
  /** Set when the instance must be killed, with the reason to record. */
  kill: string | null;
}

/** Readiness failures, as a multiple of failureThreshold, after which a container is killed. */
export const CONTAINER_LIVENESS_FACTOR = 3;

export const INITIAL_PROBE_STATE: ProbeState = { phase: 'starting', readinessFailures: 0, livenessFailures: 0, lastError: null };

/** Liveness is probed only once the instance has been ready: model loading may take long. */
export function wantsLiveness(state: ProbeState, rules: ProbeRules): boolean {
  return !rules.livenessFromReadiness && state.phase !== 'starting';
}

export function decide(state: ProbeState, round: ProbeRound, rules: ProbeRules): ProbeDecision {
  const next: ProbeState = { ...state };
  if (round.readiness === null) {
    next.phase = 'ready';
    next.readinessFailures = 0;
    next.lastError = null;
  } else {
    next.readinessFailures += 1;
    next.lastError = round.readiness;
    if (next.phase === 'ready' && next.readinessFailures >= rules.failureThreshold) next.phase = 'unready';
  }

  if (round.liveness !== undefined) {
    next.livenessFailures = round.liveness === null ? 0 : next.livenessFailures + 1;
    if (round.liveness !== null && next.livenessFailures >= rules.failureThreshold) {
      return { state: next, kill: `liveness probe failed ${next.livenessFailures} times in a row: ${round.liveness}` };
    }
  }

  const limit = CONTAINER_LIVENESS_FACTOR * rules.failureThreshold;
  if (rules.livenessFromReadiness && next.phase !== 'starting' && round.readiness !== null && next.readinessFailures >= limit) {
    return { state: next, kill: `health check failed ${next.readinessFailures} times in a row after the instance was ready: ${round.readiness}` };
  }
  return { state: next, kill: null };
}
