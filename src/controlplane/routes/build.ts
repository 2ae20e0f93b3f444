// The routing table gateways receive: every service that is not being deleted, with the
// instances that are ready and not draining.
import type { RouteInstance, ServiceRoute } from '../../contract/routes.js';
import type { ResolvedSpec } from '../../contract/resolve.js';
import type { Observation } from '../../runtime/types.js';
import type { InstanceRow, ServiceRow } from '../store/store.js';

const HOST = '127.0.0.1';

export function buildRoutes(
  services: readonly ServiceRow[],
  instances: readonly InstanceRow[],
  observations: ReadonlyMap<string, Observation>,
  resolved: (service: string, version: number) => ResolvedSpec | undefined,
): ServiceRoute[] {
  const byService = new Map<string, RouteInstance[]>();
  for (const row of instances) {
    const obs = observations.get(row.name);
    if (row.draining || obs?.phase !== 'ready') continue;
    const list = byService.get(row.service) ?? [];
    list.push({ name: row.name, host: HOST, port: obs.port, version: row.version });
    byService.set(row.service, list);
  }
  const routes: ServiceRoute[] = [];
  for (const s of services) {
    if (s.desiredState === 'deleted') continue;
    const r = resolved(s.name, s.currentVersion);
    routes.push({
      service: s.name,
      state: s.desiredState === 'running' ? 'running' : 'stopped',
      token: s.token,
      keepaliveMs: r?.keepaliveMs ?? 5000,
      rateLimit: r?.gatewayRateLimit ?? null,
      concurrencyLimit: r?.gatewayConcurrencyLimit ?? null,
      instances: (byService.get(s.name) ?? []).sort((x, y) => x.name.localeCompare(y.name)),
    });
  }
  return routes;
}
