// A process an earlier control plane started. It is not our child, so its end is noticed by
// polling /proc and its exit status cannot be known.
import type { RuntimeLog } from './options.js';
import { PeriodicTask } from './periodic-task.js';
import type { HandleEnd, ProcessHandle } from './process-handle.js';
import { signalGroupLogged } from './process-group.js';
import { readProcStat, type ProcStat } from './proc-stat.js';

export const ADOPTED_POLL_MS = 500;

/** The process is the one recorded: same start time (no pid reuse), alive, leading its group. */
export function isAdoptable(stat: ProcStat | null, startTicks: number): stat is ProcStat {
  return stat !== null && stat.startTicks === startTicks && stat.state !== 'Z' && stat.pgrp === stat.pid;
}

class AdoptedHandle implements ProcessHandle {
  readonly pid: number;
  readonly startTicks: number;
  readonly adopted = true;
  readonly ended: Promise<HandleEnd>;
  readonly #log: RuntimeLog;
  readonly #poll: PeriodicTask;
  #end!: (end: HandleEnd) => void;

  constructor(pid: number, startTicks: number, log: RuntimeLog) {
    this.pid = pid;
    this.startTicks = startTicks;
    this.#log = log;
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    this.#poll = new PeriodicTask({
      name: 'adopted-exit',
      intervalMs: () => ADOPTED_POLL_MS,
      log,
      step: async () => {
        const stat = await readProcStat(pid);
        // A zombie has ended; so has a pid now used by a different process.
        if (stat !== null && stat.startTicks === startTicks && stat.state !== 'Z') return;
        this.#end({ kind: 'vanished' });
        return 'stop';
      },
    });
  }

  signal(signal: NodeJS.Signals): boolean {
    return signalGroupLogged(this.pid, signal, this.#log);
  }

  async release(): Promise<void> {
    await this.#poll.close();
    this.#end({ kind: 'released' });
  }
}

/** Takes over the process of `record` when it is still the one recorded; null otherwise. */
export async function adoptProcess(pid: number, startTicks: number, log: RuntimeLog): Promise<ProcessHandle | null> {
  if (!isAdoptable(await readProcStat(pid), startTicks)) return null;
  return new AdoptedHandle(pid, startTicks, log);
}
