// The request as a processor sees it.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestInfo } from '../processors/types.js';

/** Splits a request target into path and query; absolute-form targets keep only their path. */
export function splitTarget(url: string): { path: string; query: string } {
  let target = url;
  if (!target.startsWith('/')) {
    try {
      const u = new URL(target);
      target = u.pathname + u.search;
    } catch {
      target = `/${target}`;
    }
  }
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** Plain string headers: Node keeps repeated set-cookie as an array, the contract promises strings. */
export function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const name in headers) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
    else if (v !== undefined) out[name] = v.join(', ');
  }
  return out;
}

export function requestInfo(method: string, path: string, query: string, headers: IncomingHttpHeaders): RequestInfo {
  return { method, path, query, headers: headerRecord(headers) };
}
