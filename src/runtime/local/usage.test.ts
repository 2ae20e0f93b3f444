import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcStat } from './proc-stat.js';
import { cpuPercent, memoryVerdict, startReading, usageByGroup } from './usage.js';

const stat = (pid: number, pgrp: number, cpuTicks: number, rssBytes: number, state = 'S'): ProcStat => ({
  pid,
  pgrp,
  ppid: 1,
  state,
  cpuTicks,
  startTicks: 0,
  rssBytes,
});

void test('usageByGroup sums whole groups and skips zombies and strangers', () => {
  const usage = usageByGroup([stat(10, 10, 5, 100), stat(11, 10, 7, 50), stat(12, 10, 99, 99, 'Z'), stat(20, 20, 1, 1)], new Set([10]));
  assert.deepEqual([...usage], [[10, { cpuTicks: 12, rssBytes: 150, processes: 2 }]]);
});

void test('cpuPercent is percent of one core over the interval, first against the start', () => {
  assert.equal(cpuPercent({ cpuTicks: 100, atSeconds: 10 }, { cpuTicks: 150, atSeconds: 11 }), 50);
  assert.equal(cpuPercent({ cpuTicks: 0, atSeconds: 10 }, { cpuTicks: 400, atSeconds: 12 }), 200);
  assert.equal(cpuPercent(startReading(1000), { cpuTicks: 25, atSeconds: 11 }), 25);
  assert.equal(cpuPercent({ cpuTicks: 100, atSeconds: 10 }, { cpuTicks: 50, atSeconds: 11 }), 0);
  assert.equal(cpuPercent({ cpuTicks: 100, atSeconds: 10 }, { cpuTicks: 150, atSeconds: 10 }), null);
});

void test('memoryVerdict names the figures once RSS is over the limit', () => {
  assert.equal(memoryVerdict(256 * 1024 * 1024, 256), null);
  assert.equal(memoryVerdict(300 * 1024 * 1024, undefined), null);
  assert.equal(memoryVerdict(300 * 1024 * 1024, 256), 'killed: RSS 300 MB exceeded metadata.memory 256 MB');
});
