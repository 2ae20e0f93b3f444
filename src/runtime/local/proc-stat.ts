// Reading /proc/<pid>/stat: identity (start ticks, process group), state and resource use.
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

/** Clock ticks per second for utime/stime/starttime; 100 on every Linux platform Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;
/** Bytes per page for the rss field; 4 KiB on x86-64 and default arm64 kernels. */
export const PAGE_SIZE = 4096;

export interface ProcStat {
  pid: number;
  /** R, S, D, Z, T, ... ('Z' is a zombie: ended but not yet reaped). */
  state: string;
  ppid: number;
  pgrp: number;
  /** utime + stime + cutime + cstime, in clock ticks: reaped children keep counting. */
  cpuTicks: number;
  /** Field 22: when the process started, in clock ticks since boot; with pid, its identity. */
  startTicks: number;
  rssBytes: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name (field 2) is in parentheses and may
 * itself hold spaces and ')', so the fixed fields are read after the last ')'.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // After ") " come fields 3 onwards: index i holds field i + 3.
  const f = text.slice(close + 2).trim().split(' ');
  const num = (field: number): number => Number(f[field - 3]);
  const stat: ProcStat = {
    pid,
    state: f[0] ?? '',
    ppid: num(4),
    pgrp: num(5),
    cpuTicks: num(14) + num(15) + num(16) + num(17),
    startTicks: num(22),
    rssBytes: num(24) * PAGE_SIZE,
  };
  const numbers = [stat.pid, stat.ppid, stat.pgrp, stat.cpuTicks, stat.startTicks, stat.rssBytes];
  return stat.state !== '' && numbers.every(Number.isFinite) ? stat : null;
}

/** The stat of one process; null when it does not exist (or cannot be read). */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Synchronous variant, for the moment right after spawn: the child cannot have been reaped
 * before the event loop runs again, so its entry is certain to still be there.
 */
export function readProcStatSync(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Every process visible in /proc; ones that end while being read are skipped. */
export async function readAllProcStats(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await Promise.all(pids.map((pid) => readProcStat(pid)));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** Seconds since boot (the clock that startTicks counts on). */
export async function readUptimeSeconds(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8');
  const seconds = Number(text.split(' ')[0]);
  if (!Number.isFinite(seconds)) throw new Error(`unexpected /proc/uptime: ${JSON.stringify(text)}`);
  return seconds;
}
