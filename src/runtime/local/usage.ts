// CPU and memory of instances from one /proc snapshot: pure arithmetic over ProcStat.
import { CLOCK_TICKS_PER_SECOND, type ProcStat } from './proc-stat.js';

export interface GroupUsage {
  cpuTicks: number;
  rssBytes: number;
  processes: number;
}

/** Sums the processes of each wanted process group (an instance is a group: sh and all). */
export function usageByGroup(stats: readonly ProcStat[], groups: ReadonlySet<number>): Map<number, GroupUsage> {
  const out = new Map<number, GroupUsage>();
  for (const s of stats) {
    if (!groups.has(s.pgrp) || s.state === 'Z') continue;
    const u = out.get(s.pgrp) ?? { cpuTicks: 0, rssBytes: 0, processes: 0 };
    u.cpuTicks += s.cpuTicks;
    u.rssBytes += s.rssBytes;
    u.processes += 1;
    out.set(s.pgrp, u);
  }
  return out;
}

/** A point on the CPU-time curve of a group: ticks used by then, seconds since boot. */
export interface CpuReading {
  cpuTicks: number;
  atSeconds: number;
}

/**
 * Percent of one core between two readings. The first reading of a process is taken against
 * its start (0 ticks at startTicks), so a value exists after one sample. A member that ends
 * unreaped by the group takes its ticks with it, which would read as negative: clamp to 0.
 */
export function cpuPercent(prev: CpuReading, cur: CpuReading): number | null {
  const seconds = cur.atSeconds - prev.atSeconds;
  if (seconds <= 0) return null;
  const used = Math.max(0, cur.cpuTicks - prev.cpuTicks) / CLOCK_TICKS_PER_SECOND;
  return Math.round((used / seconds) * 1000) / 10;
}

export function startReading(startTicks: number): CpuReading {
  return { cpuTicks: 0, atSeconds: startTicks / CLOCK_TICKS_PER_SECOND };
}

const MiB = 1024 * 1024;

/** The kill message when a group's RSS is over its limit; null while within it. */
export function memoryVerdict(rssBytes: number, memoryMb: number | undefined): string | null {
  if (memoryMb === undefined || rssBytes <= memoryMb * MiB) return null;
  return `killed: RSS ${Math.round(rssBytes / MiB)} MB exceeded metadata.memory ${memoryMb} MB`;
}
