// Signals to whole process groups: each instance runs in its own (spawned detached), so a
// shell and everything it started are reached together.
import type { RuntimeLog } from './options.js';
import { readAllProcStats } from './proc-stat.js';

/** Sends a signal to every process in the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** signalGroup for a process handle, whose signal() must not throw: a failure is logged, and false. */
export function signalGroupLogged(pgid: number, signal: NodeJS.Signals, log: RuntimeLog): boolean {
  try {
    return signalGroup(pgid, signal);
  } catch (err) {
    log.warn({ err, pid: pgid, signal }, 'could not signal the process group');
    return false;
  }
}

/**
 * True while a member of the group still runs. Members that have ended but wait to be reaped
 * (zombies, reparented to init, which may take its time) still answer signal 0: they do not count.
 */
export async function groupRunning(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  let stats;
  try {
    stats = await readAllProcStats();
  } catch {
    return true; // no /proc to tell zombies apart: trust the signal
  }
  return stats.some((s) => s.pgrp === pgid && s.state !== 'Z');
}
