// The reconciler's decisions: a pure function of desired state, observed instances and the
// time, returning the actions that move one toward the other. No I/O, no clock, no processes:
// `loop.ts` gathers the inputs and applies the actions.
import type { LastState, ServiceStatus } from '../../contract/api.js';
import type { InstancePhase } from '../../runtime/types.js';
import type { DesiredState } from '../store/store.js';
import { serviceStatus } from './status.js';

export interface ReconcilePolicy {
  /** Restart delay after the first failure; doubles with each further one in a row. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Failures in a row (without staying ready) that mark the service Failed. */
  crashLoopThreshold: number;
  /** Ready this long, an instance's failure count starts again from zero. */
  stableAfterMs: number;
}

export const DEFAULT_POLICY: ReconcilePolicy = {
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  crashLoopThreshold: 3,
  stableAfterMs: 30_000,
};

export interface DesiredService {
  name: string;
  desiredState: DesiredState;
  version: number;
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  status: ServiceStatus;
  reason: string;
  everRunning: boolean;
}

/** pending: the instance is recorded but its process is not launched yet. */
export type ObservedPhase = 'pending' | InstancePhase;

export interface ObservedInstance {
  name: string;
  service: string;
  version: number;
  phase: ObservedPhase;
  /** Chosen for removal: no longer routed, being stopped. */
  draining: boolean;
  /** Ready, and every connected gateway routes to it. */
  serving: boolean;
  phaseSince: number;
  consecutiveFailures: number;
  restartCount: number;
  exitedAt: number | null;
  lastState: LastState | null;
  lastLogLines: string[];
  probeError: string | null;
  /** An action on this instance (launch, restart) is still in progress. */
  busy: boolean;
  /** It has served traffic at least once (in any of its runs). */
  everServed: boolean;
}

export type Action =
  | { type: 'create'; service: string; version: number; reason: string }
  | { type: 'restart'; service: string; instance: string; reason: string }
  | { type: 'drain'; service: string; instance: string; reason: string }
  | { type: 'stable'; service: string; instance: string }
  | { type: 'status'; service: string; status: ServiceStatus; reason: string }
  | { type: 'purge'; service: string };

export interface Plan {
  actions: Action[];
  /** When the plan should be computed again even if nothing changes (back-off expiry). */
  wakeAt: number | null;
}

export function backoffMs(consecutiveFailures: number, policy: ReconcilePolicy): number {
  const n = Math.max(1, consecutiveFailures);
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(n - 1, 30));
}

/** Removal order: instances that serve nobody go first, then the youngest. */
function removalOrder(a: ObservedInstance, b: ObservedInstance): number {
  const rank = (o: ObservedInstance): number => (o.serving ? 2 : o.phase === 'ready' ? 1 : 0);
  return rank(a) - rank(b) || b.phaseSince - a.phaseSince || a.name.localeCompare(b.name);
}

export function plan(desired: readonly DesiredService[], observed: readonly ObservedInstance[], now: number, policy: ReconcilePolicy = DEFAULT_POLICY): Plan {
  const actions: Action[] = [];
  let wakeAt: number | null = null;
  const wake = (t: number): void => {
    wakeAt = wakeAt === null ? t : Math.min(wakeAt, t);
  };

  const byService = new Map<string, ObservedInstance[]>();
  for (const o of observed) {
    const list = byService.get(o.service);
    if (list === undefined) byService.set(o.service, [o]);
    else list.push(o);
  }

  for (const d of desired) {
    const mine = byService.get(d.name) ?? [];
    const active = mine.filter((o) => !o.draining);
    const drain = (o: ObservedInstance, reason: string): void => {
      actions.push({ type: 'drain', service: d.name, instance: o.name, reason });
    };

    if (d.desiredState !== 'running') {
      const why = d.desiredState === 'stopped' ? 'service stopped' : 'service deleted';
      for (const o of active) drain(o, why);
      if (d.desiredState === 'deleted' && mine.length === 0) actions.push({ type: 'purge', service: d.name });
    } else {
      planRunning(d, active, mine, now, policy, actions, wake);
    }

    const drained = new Set(actions.filter((a) => a.type === 'drain' && a.service === d.name).map((a) => (a.type === 'drain' ? a.instance : '')));
    const after = mine.map((o) => (drained.has(o.name) ? { ...o, draining: true, serving: false } : o));
    const { status, reason } = serviceStatus(d, after, policy);
    if (status !== d.status || reason !== d.reason) actions.push({ type: 'status', service: d.name, status, reason });
  }
  return { actions, wakeAt };
}

function planRunning(
  d: DesiredService,
  active: ObservedInstance[],
  mine: ObservedInstance[],
  now: number,
  policy: ReconcilePolicy,
  actions: Action[],
  wake: (t: number) => void,
): void {
  const drain = (o: ObservedInstance, reason: string): void => {
    actions.push({ type: 'drain', service: d.name, instance: o.name, reason });
  };
  let current = active.filter((o) => o.version === d.version);
  let old = active.filter((o) => o.version !== d.version);

  // Exited instances: the current version's restart after their back-off; an old version's
  // are simply removed, the rollout replaces them.
  for (const o of old.filter((x) => x.phase === 'exited')) drain(o, `instance of version ${o.version} exited during the update to version ${d.version}`);
  old = old.filter((x) => x.phase !== 'exited');
  for (const o of current) {
    if (o.phase === 'exited' && !o.busy) {
      const due = (o.exitedAt ?? now) + backoffMs(o.consecutiveFailures, policy);
      if (now >= due) {
        const what = o.lastState?.Message ?? 'exited';
        actions.push({ type: 'restart', service: d.name, instance: o.name, reason: `${what}; restart #${o.restartCount + 1}` });
      } else {
        wake(due);
      }
    }
    if (o.phase === 'ready' && o.consecutiveFailures > 0) {
      const stableAt = o.phaseSince + policy.stableAfterMs;
      if (now >= stableAt) actions.push({ type: 'stable', service: d.name, instance: o.name });
      else wake(stableAt);
    }
  }

  // Processes alive or on their way: surge is counted over all of them, draining ones too, so
  // that `max_surge: 0` (a fixed port) never runs the new instance beside the old.
  const draining = mine.filter((o) => o.draining).length;
  const total = current.length + old.length + draining;

  if (current.length < d.replicas) {
    const room = Math.max(0, d.replicas + d.maxSurge - total);
    const n = Math.min(d.replicas - current.length, room);
    const why = old.length > 0 ? `rolling out version ${d.version}` : d.everRunning ? `scaling to ${d.replicas}` : `deploying version ${d.version}`;
    for (let i = 0; i < n; i++) actions.push({ type: 'create', service: d.name, version: d.version, reason: why });
  } else if (current.length > d.replicas) {
    const extra = [...current].sort(removalOrder).slice(0, current.length - d.replicas);
    for (const o of extra) drain(o, `scaling down to ${d.replicas}`);
    const gone = new Set(extra.map((o) => o.name));
    current = current.filter((o) => !gone.has(o.name));
  }

  if (old.length > 0) {
    // Old instances go as new ones become available: never fewer serving than
    // replicas - max_unavailable. Ones that serve nobody can always go.
    const minAvailable = Math.max(0, d.replicas - d.maxUnavailable);
    let available = current.filter((o) => o.serving).length + old.filter((o) => o.serving).length;
    for (const o of [...old].sort(removalOrder)) {
      if (!o.serving) {
        drain(o, `replaced by version ${d.version}`);
      } else if (available - 1 >= minAvailable) {
        drain(o, `replaced by version ${d.version}`);
        available--;
      }
    }
  }
}
