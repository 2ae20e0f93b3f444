import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAdoptable } from './adopted-process.js';
import type { ProcStat } from './proc-stat.js';

const leader: ProcStat = { pid: 500, pgrp: 500, ppid: 1, state: 'S', cpuTicks: 0, startTicks: 1234, rssBytes: 0 };

void test('only the recorded, living group leader is adoptable', () => {
  assert.equal(isAdoptable(leader, 1234), true);
  assert.equal(isAdoptable(null, 1234), false, 'gone');
  assert.equal(isAdoptable(leader, 1235), false, 'pid reused');
  assert.equal(isAdoptable({ ...leader, state: 'Z' }, 1234), false, 'ended, not yet reaped');
  assert.equal(isAdoptable({ ...leader, pgrp: 400 }, 1234), false, 'not a group leader');
});
