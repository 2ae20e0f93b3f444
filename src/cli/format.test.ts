import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LastState } from '../contract/api.js';
import { firstLine, formatAge, formatBytes, formatDuration, formatLastState, formatPercent, formatTimestamp, truncate } from './format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

void test('durations read like kubectl ages', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [-5 * S, '0s'],
    [999, '0s'],
    [45 * S, '45s'],
    [3 * M + 12 * S, '3m12s'],
    [5 * M, '5m'],
    [12 * M + 40 * S, '12m'],
    [2 * H + 13 * M, '2h13m'],
    [2 * H, '2h'],
    [3 * D + 4 * H + 5 * M, '3d4h'],
    [40 * D, '40d'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});

void test('ages count from an ISO time; nonsense shows as "-"', () => {
  const now = Date.parse('2024-11-25T10:00:00Z');
  assert.equal(formatAge('2024-11-25T09:58:00Z', now), '2m');
  assert.equal(formatAge('not a time', now), '-');
});

void test('timestamps are local wall-clock time with seconds', () => {
  const d = new Date(2024, 10, 5, 3, 7, 9);
  assert.equal(formatTimestamp(d.toISOString()), '2024-11-05 03:07:09');
  assert.equal(formatTimestamp(''), '-');
  assert.equal(formatTimestamp('garbage'), 'garbage');
});

void test('sizes use binary units with one decimal below 10', () => {
  assert.equal(formatBytes(null), '-');
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(45 * 1024 * 1024 + 300_000), '45 MiB');
  assert.equal(formatBytes(3.25 * 1024 ** 3), '3.3 GiB');
  assert.equal(formatBytes(Number.NaN), '-');
});

void test('percentages', () => {
  assert.equal(formatPercent(null), '-');
  assert.equal(formatPercent(0), '0.0%');
  assert.equal(formatPercent(3.14159), '3.1%');
  assert.equal(formatPercent(187.6), '188%');
});

void test('last states say why the process ended and how long ago', () => {
  const now = Date.parse('2024-11-25T10:00:00Z');
  const state = (s: Partial<LastState>): LastState => ({ ExitCode: null, Signal: null, Reason: 'Error', FinishedAt: '2024-11-25T09:59:50Z', Message: '', ...s });
  assert.equal(formatLastState(null, now), '-');
  assert.equal(formatLastState(state({ Reason: 'Error', ExitCode: 3 }), now), 'exit 3 10s ago');
  assert.equal(formatLastState(state({ Reason: 'Completed', ExitCode: 0 }), now), 'exit 0 10s ago');
  assert.equal(formatLastState(state({ Reason: 'OOMKilled', Signal: 'SIGKILL', FinishedAt: '2024-11-25T09:58:00Z' }), now), 'OOMKilled 2m ago');
  assert.equal(formatLastState(state({ Reason: 'Killed', Signal: 'SIGTERM' }), now), 'killed (SIGTERM) 10s ago');
  assert.equal(formatLastState(state({ Reason: 'LivenessProbeFailed' }), now), 'LivenessProbeFailed 10s ago');
  assert.equal(formatLastState(state({ Reason: 'Lost', FinishedAt: '' }), now), 'Lost');
});

void test('firstLine and truncate', () => {
  assert.equal(firstLine('a\nb\nc'), 'a');
  assert.equal(firstLine('single'), 'single');
  assert.equal(truncate('abcdef', 10), 'abcdef');
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abcdef', 6), 'abcdef');
});
