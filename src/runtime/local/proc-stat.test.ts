import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAGE_SIZE, parseProcStat, readProcStat, readProcStatSync, readUptimeSeconds } from './proc-stat.js';

const SAMPLE =
  '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1200 0 0 0 150 25 7 3 20 0 1 0 987654 10000000 2560 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

void test('parseProcStat reads the fields after the last ")"', () => {
  const s = parseProcStat(SAMPLE);
  assert.deepEqual(s, {
    pid: 4242,
    state: 'S',
    ppid: 1,
    pgrp: 4242,
    cpuTicks: 150 + 25 + 7 + 3,
    startTicks: 987654,
    rssBytes: 2560 * PAGE_SIZE,
  });
});

void test('parseProcStat rejects text that is not a stat line', () => {
  assert.equal(parseProcStat(''), null);
  assert.equal(parseProcStat('12 no parens here'), null);
  assert.equal(parseProcStat('12 (x) S 1'), null);
});

void test('readProcStat sees this process and not a pid that cannot exist', async () => {
  const self = await readProcStat(process.pid);
  assert.ok(self);
  assert.equal(self.pid, process.pid);
  assert.ok(self.rssBytes > 0);
  assert.deepEqual(readProcStatSync(process.pid)?.startTicks, self.startTicks);
  assert.equal(await readProcStat(2 ** 30), null);
  assert.ok((await readUptimeSeconds()) > 0);
});
