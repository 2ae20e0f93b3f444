// Which probes an instance gets and how often: a pure function of its resolved spec.
import { INSTANCE_PATHS, SPEC_DEFAULTS, type ResolvedHealthCheck, type ResolvedSpec } from '../../contract/index.js';

export type ProbeTarget =
  /** `exact200`: the instance host's own endpoints answer 200 when they mean yes. */
  | { type: 'http'; port: number; path: string; accept: 'exact200' | 'success' }
  | { type: 'tcp'; port: number };

export interface ProbePlan {
  /** Every target must pass for the instance to be ready (checked in order). */
  readiness: readonly ProbeTarget[];
  /** null: the readiness check doubles as liveness once the instance has been ready. */
  liveness: ProbeTarget | null;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

const DEFAULT_TIMING = {
  initialDelayMs: SPEC_DEFAULTS.healthCheck.initialDelaySeconds * 1000,
  periodMs: SPEC_DEFAULTS.healthCheck.periodSeconds * 1000,
  timeoutMs: SPEC_DEFAULTS.healthCheck.timeoutSeconds * 1000,
  failureThreshold: SPEC_DEFAULTS.healthCheck.failureThreshold,
};

function userTarget(hc: ResolvedHealthCheck, port: number): ProbeTarget {
  const p = hc.port ?? port;
  return hc.type === 'http' ? { type: 'http', port: p, path: hc.path, accept: 'success' } : { type: 'tcp', port: p };
}

export function probePlanFor(resolved: ResolvedSpec, port: number): ProbePlan {
  const hc = resolved.healthCheck;
  const timing = hc
    ? { initialDelayMs: hc.initialDelayMs, periodMs: hc.periodMs, timeoutMs: hc.timeoutMs, failureThreshold: hc.failureThreshold }
    : DEFAULT_TIMING;
  if (resolved.kind.kind === 'container') {
    return { readiness: [hc ? userTarget(hc, port) : { type: 'tcp', port }], liveness: null, ...timing };
  }
  // A processor service is ready once its instance host has loaded the processor; a user
  // health_check is checked on top of that, never instead (a tcp check alone would pass
  // while the model is still loading).
  const hostReady: ProbeTarget = { type: 'http', port, path: INSTANCE_PATHS.ready, accept: 'exact200' };
  return {
    readiness: hc ? [hostReady, userTarget(hc, port)] : [hostReady],
    liveness: { type: 'http', port, path: INSTANCE_PATHS.live, accept: 'exact200' },
    ...timing,
  };
}
