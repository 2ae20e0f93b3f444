// How an instance and its exits look to users: the status word and the event reason.
import type { EventType, InstanceStatus, LastState } from '../../contract/api.js';
import type { Observation } from '../../runtime/types.js';
import type { InstanceRow } from '../store/store.js';

export function instanceStatus(row: InstanceRow, obs: Observation | undefined, launching: boolean): InstanceStatus {
  if (row.draining || obs?.phase === 'stopping') return 'Terminating';
  if (launching && (obs === undefined || obs.phase === 'exited')) return 'Pending';
  switch (obs?.phase) {
    case 'starting':
      return 'Starting';
    case 'ready':
      return 'Running';
    case 'unready':
      return 'Unready';
    default:
      return 'CrashLoopBackOff';
  }
}

export function exitEvent(state: LastState): { reason: string; type: EventType } {
  switch (state.Reason) {
    case 'OOMKilled':
      return { reason: 'InstanceOOMKilled', type: 'Warning' };
    case 'LivenessProbeFailed':
      return { reason: 'InstanceLivenessFailed', type: 'Warning' };
    case 'Completed':
      return { reason: 'InstanceCompleted', type: 'Warning' };
    case 'Lost':
      return { reason: 'InstanceLost', type: 'Warning' };
    default:
      return { reason: 'InstanceCrashed', type: 'Warning' };
  }
}
