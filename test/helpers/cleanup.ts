// Finds and kills every process a test started, however deep: each test run tags its
// environment with a unique value that children inherit, and /proc tells who carries it.
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export const TAG_VAR = 'EASEL_TEST_TAG';

export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/** Pids of live processes whose environment holds `EASEL_TEST_TAG=<tag>`. */
export function taggedPids(tag: string): number[] {
  const needle = `${TAG_VAR}=${tag}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (env.split('\0').includes(needle)) out.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** SIGKILLs every tagged process (and its group); returns how many there were. */
export function killTagged(tag: string): number {
  const pids = taggedPids(tag);
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // not a group leader
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.length;
}
