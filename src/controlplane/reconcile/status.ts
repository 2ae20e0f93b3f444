// A service's status and the reason for it, derived from desired and observed state.
import type { ServiceStatus } from '../../contract/api.js';
import type { DesiredService, ObservedInstance, ReconcilePolicy } from './plan.js';

const REASON_LOG_LINES = 10;

/** One line (plus the last output) saying why an instance keeps failing. */
export function crashReason(o: ObservedInstance): string {
  const state = o.lastState;
  const what = state === null ? 'failed' : state.Message;
  const times = o.consecutiveFailures > 1 ? ` (${o.consecutiveFailures} times in a row)` : '';
  const lines = o.lastLogLines.slice(-REASON_LOG_LINES);
  const output = lines.length > 0 ? `; last output:\n${lines.join('\n')}` : '';
  return `instance ${o.name} ${what}${times}${output}`;
}

function waitingReason(waiting: ObservedInstance[]): string {
  const first = waiting[0];
  if (first === undefined) return '';
  if (first.phase === 'pending') return `starting instance ${first.name}`;
  if (first.phase === 'exited') return `${crashReason(first)}; restarting`;
  return first.probeError === null ? `waiting for instance ${first.name} to become ready` : `waiting for instance ${first.name} to become ready: ${first.probeError}`;
}

export function serviceStatus(d: DesiredService, mine: readonly ObservedInstance[], policy: ReconcilePolicy): { status: ServiceStatus; reason: string } {
  const left = mine.length;
  if (d.desiredState === 'deleted') return { status: 'Deleting', reason: `${left} instance(s) left to stop` };
  if (d.desiredState === 'stopped') {
    return left > 0 ? { status: 'Stopping', reason: `${left} instance(s) left to stop` } : { status: 'Stopped', reason: '' };
  }

  const active = mine.filter((o) => !o.draining);
  const current = active.filter((o) => o.version === d.version);
  const old = active.filter((o) => o.version !== d.version);
  const failing = current.filter((o) => o.consecutiveFailures >= policy.crashLoopThreshold && o.phase !== 'ready');
  const firstFailing = failing[0];
  if (firstFailing !== undefined) {
    const during = old.length > 0 ? `rollout of version ${d.version} is failing (version ${old[0]?.version ?? '?'} keeps serving): ` : '';
    return { status: 'Failed', reason: during + crashReason(firstFailing) };
  }

  const serving = current.filter((o) => o.serving).length;
  if (serving >= d.replicas && current.length === d.replicas && old.length === 0) return { status: 'Running', reason: '' };

  const waiting = current.filter((o) => !o.serving);
  if (old.length > 0) {
    const detail = waitingReason(waiting);
    return { status: 'Updating', reason: `rolling out version ${d.version}: ${serving}/${d.replicas} ready${detail === '' ? '' : `; ${detail}`}` };
  }
  if (!d.everRunning) return { status: 'Creating', reason: waitingReason(waiting) || `starting ${d.replicas} instance(s)` };
  const detail = waitingReason(waiting);
  // New instances that never served mean a scale change is under way; established ones that
  // stopped serving (a crash, a failing probe) leave the service Running, degraded.
  const scaling = current.length !== d.replicas || waiting.some((o) => !o.everServed);
  if (scaling) return { status: 'Scaling', reason: `scaling to ${d.replicas}: ${serving} ready${detail === '' ? '' : `; ${detail}`}` };
  return { status: 'Running', reason: `degraded: ${serving}/${d.replicas} ready; ${detail}` };
}
