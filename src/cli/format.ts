// How the CLI writes times, durations, sizes and instance states for people. Pure functions:
// the clock is a parameter so tests can pin it.
import type { LastState } from '../contract/api.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A compact duration in the style of `kubectl get`: 45s, 3m12s, 5m, 2h13m, 3d4h. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  if (t < MINUTE) return `${Math.floor(t / SECOND)}s`;
  if (t < 10 * MINUTE) {
    const s = Math.floor((t % MINUTE) / SECOND);
    return s === 0 ? `${Math.floor(t / MINUTE)}m` : `${Math.floor(t / MINUTE)}m${s}s`;
  }
  if (t < HOUR) return `${Math.floor(t / MINUTE)}m`;
  if (t < DAY) {
    const m = Math.floor((t % HOUR) / MINUTE);
    return m === 0 ? `${Math.floor(t / HOUR)}h` : `${Math.floor(t / HOUR)}h${m}m`;
  }
  const h = Math.floor((t % DAY) / HOUR);
  return h === 0 ? `${Math.floor(t / DAY)}d` : `${Math.floor(t / DAY)}d${h}h`;
}

/** Time since an ISO timestamp as a duration, or "-" when the timestamp does not parse. */
export function formatAge(iso: string, now: number): string {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? '-' : formatDuration(now - then);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2024-11-25 03:07:12` in the local time zone (what EASCMD shows), or the input when it does not parse. */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso === '' ? '-' : iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 512 B, 3.4 KiB, 45 MiB: one decimal below 10 of a unit, none above. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '-';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const u of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return value < 10 ? `${value.toFixed(1)} ${unit}` : `${Math.round(value)} ${unit}`;
}

export function formatPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()}%`;
}

/** Why an instance's process last ended, briefly: "OOMKilled 2m ago", "exit 3 10s ago". */
export function formatLastState(state: LastState | null, now: number): string {
  if (state === null) return '-';
  let what: string;
  switch (state.Reason) {
    case 'Error':
    case 'Completed':
      what = state.ExitCode === null ? state.Reason : `exit ${state.ExitCode}`;
      break;
    case 'Killed':
      what = state.Signal === null ? 'killed' : `killed (${state.Signal})`;
      break;
    default:
      what = state.Reason;
  }
  const age = formatAge(state.FinishedAt, now);
  return age === '-' ? what : `${what} ${age} ago`;
}

/** The first line of a possibly multi-line text (status reasons carry log lines after the first). */
export function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i === -1 ? text : text.slice(0, i);
}

/** Cuts a single line to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 1 || text.length <= width) return text.length <= width ? text : text.slice(0, Math.max(0, width));
  return `${text.slice(0, width - 1)}…`;
}
