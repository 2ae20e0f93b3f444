// One sampling tick over all running instances: CPU and RSS from a single /proc snapshot,
// the memory limit, and log rotation.
import { existsSync } from 'node:fs';
import type { InstanceEntry } from './instance-entry.js';
import type { LocalRuntimeConfig } from './options.js';
import { readAllProcStats, readUptimeSeconds } from './proc-stat.js';
import { memoryVerdict, usageByGroup } from './usage.js';

/** False where there is no /proc (not Linux): no CPU, RSS or memory limit, logs still rotate. */
export const PROC_AVAILABLE = existsSync('/proc/self/stat');

export async function sampleInstances(entries: Iterable<InstanceEntry>, cfg: LocalRuntimeConfig): Promise<void> {
  const running = [...entries].filter((e) => e.running);
  if (running.length === 0) return;
  if (PROC_AVAILABLE) {
    try {
      await sampleUsage(running);
    } catch (err) {
      cfg.log.warn({ err }, 'could not sample CPU and memory');
    }
  }
  await Promise.all(
    running.map(async (entry) => {
      try {
        if (await entry.log.rotateIfLarger(cfg.logMaxBytes)) cfg.log.debug({ instance: entry.name }, 'rotated output.log');
      } catch (err) {
        cfg.log.warn({ err, instance: entry.name }, 'could not rotate output.log');
      }
    }),
  );
}

async function sampleUsage(running: InstanceEntry[]): Promise<void> {
  const [stats, uptime] = await Promise.all([readAllProcStats(), readUptimeSeconds()]);
  const usage = usageByGroup(stats, new Set(running.map((e) => e.pid)));
  for (const entry of running) {
    const group = usage.get(entry.pid);
    if (group === undefined) continue;
    entry.recordUsage(group, uptime);
    const verdict = memoryVerdict(group.rssBytes, entry.request.resolved.memoryMb);
    if (verdict !== null) entry.run?.kill({ kind: 'oom', message: verdict });
  }
}
