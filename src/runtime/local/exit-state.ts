// How a process ended, in the terms the API reports (LastState): a pure function.
import type { LastState } from '../../contract/index.js';

/** What the runtime learnt about the end of a process. */
export type ProcessExit =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  /** An adopted process is not our child: it vanished and its status is unknowable. */
  | { kind: 'vanished' };

/** Why the runtime itself ended a process, when it did. */
export type KillCause =
  | { kind: 'oom'; message: string }
  | { kind: 'liveness'; message: string }
  | { kind: 'stop'; graceMs: number; escalated: boolean };

function describeExit(code: number | null, signal: string | null): string {
  if (signal !== null) return `killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}

export function lastStateOf(exit: ProcessExit, cause: KillCause | null, finishedAt: string): LastState {
  const known = exit.kind === 'exited';
  const code = known ? exit.code : null;
  const signal = known ? exit.signal : null;

  if (cause?.kind === 'oom' || cause?.kind === 'liveness') {
    return {
      ExitCode: code,
      // SIGKILL is what we sent; an adopted process cannot tell us more.
      Signal: known ? signal : 'SIGKILL',
      Reason: cause.kind === 'oom' ? 'OOMKilled' : 'LivenessProbeFailed',
      FinishedAt: finishedAt,
      Message: cause.message,
    };
  }

  if (cause?.kind === 'stop') {
    const prefix = cause.escalated ? `stopped: still running after the ${cause.graceMs} ms grace period, so killed` : 'stopped';
    if (!known) {
      const sent = cause.escalated ? 'SIGKILL' : 'SIGTERM';
      return { ExitCode: null, Signal: sent, Reason: 'Killed', FinishedAt: finishedAt, Message: `${prefix} (${sent})` };
    }
    return {
      ExitCode: code,
      Signal: signal,
      Reason: signal !== null ? 'Killed' : code === 0 ? 'Completed' : 'Error',
      FinishedAt: finishedAt,
      Message: cause.escalated ? prefix : `${prefix}: ${describeExit(code, signal)}`,
    };
  }

  if (!known) {
    return {
      ExitCode: null,
      Signal: null,
      Reason: 'Lost',
      FinishedAt: finishedAt,
      Message: 'the adopted process ended; its exit status is unknown',
    };
  }
  return {
    ExitCode: code,
    Signal: signal,
    Reason: signal !== null ? 'Killed' : code === 0 ? 'Completed' : 'Error',
    FinishedAt: finishedAt,
    Message: describeExit(code, signal),
  };
}
