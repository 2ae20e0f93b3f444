// Whether a parsed request may go to an instance: routing, authentication and limits, checked
// in the order a caller can act on (where, who, how much). Returns the route to use, the
// /healthz marker, or a rejection the connection turns into an error response.
import { Errors, type ErrorDef } from '../contract/errors.js';
import { authorize } from './auth.js';
import { TARGET_HEALTHZ, TARGET_PREDICT, TARGET_READYZ, type TargetMatch } from './predict-path.js';
import type { RequestHead } from './request-head.js';
import type { CompiledRoute, CompiledTable } from './route-table.js';

export interface Rejection {
  readonly def: ErrorDef;
  readonly params: Readonly<Record<string, string | number>>;
  /** The connection cannot continue after this answer (the body will not be read). */
  readonly close: boolean;
  readonly service: string;
}

export const HEALTHZ = 'healthz';
export type Admission = CompiledRoute | Rejection | typeof HEALTHZ;

const MAX_ECHOED = 200;

/** Shortens client-controlled text before it goes into a message or a log line. */
export function clip(s: string): string {
  return s.length > MAX_ECHOED ? `${s.slice(0, MAX_ECHOED)}…` : s;
}

function reject(def: ErrorDef, params: Readonly<Record<string, string | number>>, service = '', close = false): Rejection {
  return { def, params, close, service };
}

/**
 * Decides on one request. Takes a rate-limit token when it admits, so it is called once per
 * request; `target` has been filled by matchTarget, `now` is the monotonic clock in ms.
 */
export function admit(table: CompiledTable | null, head: RequestHead, target: TargetMatch, maxBodyBytes: number, now: number): Admission {
  if (target.kind === TARGET_HEALTHZ || target.kind === TARGET_READYZ) {
    if (target.kind === TARGET_READYZ && table === null) return reject(Errors.GatewayNotReady, {});
    const isGet = head.methodEnd - head.start === 3 && head.method() === 'GET';
    return isGet || head.isHeadMethod ? HEALTHZ : reject(Errors.RouteNotFound, { method: head.method(), url: clip(head.target()) });
  }
  if (target.kind !== TARGET_PREDICT) return reject(Errors.RouteNotFound, { method: head.method(), url: clip(head.target()) });
  const service = target.service;
  if (table === null) return reject(Errors.GatewayNotReady, {}, service);
  const route = table.routes.get(service);
  if (route === undefined) return reject(Errors.UnknownService, { service }, service);
  if (route.stopped) return reject(Errors.ServiceStopped, { service }, service);
  if (route.auth !== null) {
    const denied = authorize(route.auth, head, service);
    if (denied !== null) return reject(denied.def, { service, reason: denied.reason ?? '' }, service);
  }
  if (head.hasUpgrade) return reject(Errors.UpgradeNotSupported, { protocol: clip(head.value(head.upgradeStart, head.upgradeEnd) ?? '') }, service);
  if (head.contentLength > maxBodyBytes) return reject(Errors.BodyTooLarge, { limit: maxBodyBytes }, service, true);
  if (route.instances.length === 0) return reject(Errors.NoReadyInstance, { service }, service);
  const svc = route.state;
  if (route.concurrencyLimit !== null && svc.inFlight >= route.concurrencyLimit) {
    return reject(Errors.ConcurrencyLimited, { service, limit: route.concurrencyLimit }, service);
  }
  if (svc.bucket !== null && !svc.bucket.take(now)) return reject(Errors.RateLimited, { service, limit: route.rateLimit ?? 0 }, service);
  return route;
}
