// Structural check of a routing table received over the wire: a malformed message from the
// control plane must be refused with a reason, never half-applied or allowed to throw later.
import type { RoutingTable, ServiceRoute } from '../contract/routes.js';
import { SERVICE_NAME_PATTERN } from '../contract/defaults.js';
import { isRecord } from '../contract/json.js';

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };


function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function positiveOrNull(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0);
}

function checkInstance(v: unknown, at: string): string | null {
  if (!isRecord(v)) return `${at}: expected an object`;
  if (typeof v.name !== 'string') return `${at}.name: expected a string`;
  if (typeof v.host !== 'string' || v.host === '') return `${at}.host: expected a host name`;
  if (!isCount(v.port) || v.port < 1 || v.port > 65535) return `${at}.port: expected 1..65535`;
  if (!isCount(v.version)) return `${at}.version: expected a non-negative integer`;
  return null;
}

function checkRoute(v: unknown, at: string): string | null {
  if (!isRecord(v)) return `${at}: expected an object`;
  if (typeof v.service !== 'string' || !SERVICE_NAME_PATTERN.test(v.service)) return `${at}.service: expected a service name`;
  if (v.state !== 'running' && v.state !== 'stopped') return `${at}.state: expected "running" or "stopped"`;
  if (v.token !== null && typeof v.token !== 'string') return `${at}.token: expected a string or null`;
  if (typeof v.keepaliveMs !== 'number' || !(v.keepaliveMs > 0)) return `${at}.keepaliveMs: expected a positive number`;
  if (!positiveOrNull(v.rateLimit)) return `${at}.rateLimit: expected a positive number or null`;
  if (!positiveOrNull(v.concurrencyLimit)) return `${at}.concurrencyLimit: expected a positive number or null`;
  if (!Array.isArray(v.instances)) return `${at}.instances: expected an array`;
  for (let i = 0; i < v.instances.length; i++) {
    const problem = checkInstance(v.instances[i], `${at}.instances[${i}]`);
    if (problem !== null) return problem;
  }
  return null;
}

export function checkRoutingTable(v: unknown): Check<RoutingTable> {
  if (!isRecord(v)) return { ok: false, reason: 'table: expected an object' };
  if (!isCount(v.revision)) return { ok: false, reason: 'table.revision: expected a non-negative integer' };
  if (!Array.isArray(v.services)) return { ok: false, reason: 'table.services: expected an array' };
  for (let i = 0; i < v.services.length; i++) {
    const problem = checkRoute(v.services[i], `table.services[${i}]`);
    if (problem !== null) return { ok: false, reason: problem };
  }
  // Checked field by field above, so the shapes hold.
  const services = v.services as ServiceRoute[];
  return { ok: true, value: { revision: v.revision, services: services.map((s) => ({ ...s, instances: [...s.instances] })) } };
}

/** Parses one watch-stream message; only `{type:'table', table}` is expected. */
export function parseWatchMessage(text: string): Check<RoutingTable> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'message is not JSON' };
  }
  if (!isRecord(msg) || msg.type !== 'table') return { ok: false, reason: 'expected {"type":"table","table":{...}}' };
  return checkRoutingTable(msg.table);
}
