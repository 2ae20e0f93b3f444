// The routing table as the data plane uses it: one immutable CompiledTable per revision, whose
// routes point at long-lived per-service and per-instance state. Swapping tables keeps that
// state (in-flight counts, rate-limit tokens, pooled connections) for what stays.
import type { RoutingTable, ServiceRoute } from '../contract/routes.js';
import { RouteAuth } from './auth.js';
import { InstancePool, instanceKey } from './instance-pool.js';
import { TokenBucket } from './token-bucket.js';

export class ServiceState {
  inFlight = 0;
  bucket: TokenBucket | null = null;
}

export class CompiledRoute {
  readonly service: string;
  readonly stopped: boolean;
  readonly auth: RouteAuth | null;
  readonly keepaliveMs: number;
  readonly rateLimit: number | null;
  readonly concurrencyLimit: number | null;
  readonly instances: readonly InstancePool[];
  readonly state: ServiceState;
  /** Rotation offset for tie-breaking among equally loaded instances. */
  rotation = 0;

  constructor(route: ServiceRoute, instances: InstancePool[], state: ServiceState) {
    this.service = route.service;
    this.stopped = route.state === 'stopped';
    this.auth = route.token === null ? null : new RouteAuth(route.token);
    this.keepaliveMs = route.keepaliveMs;
    this.rateLimit = route.rateLimit;
    this.concurrencyLimit = route.concurrencyLimit;
    this.instances = instances;
    this.state = state;
  }
}

export class CompiledTable {
  readonly revision: number;
  readonly routes: ReadonlyMap<string, CompiledRoute>;

  constructor(revision: number, routes: ReadonlyMap<string, CompiledRoute>) {
    this.revision = revision;
    this.routes = routes;
  }

  /** The smallest route deadline, which bounds how often deadlines are checked. */
  minKeepaliveMs(): number {
    let min = Infinity;
    for (const r of this.routes.values()) min = Math.min(min, r.keepaliveMs);
    return min;
  }
}

/** Builds tables and owns the state that outlives them. */
export class RouteRegistry {
  readonly #upstreamIdleMs: number;
  #services = new Map<string, ServiceState>();
  #instances = new Map<string, InstancePool>();
  /** Retired instances whose connections have not all closed yet. */
  #retiring = new Set<InstancePool>();

  constructor(upstreamIdleMs: number) {
    this.#upstreamIdleMs = upstreamIdleMs;
  }

  compile(table: RoutingTable, now: number): CompiledTable {
    const services = new Map<string, ServiceState>();
    const instances = new Map<string, InstancePool>();
    const routes = new Map<string, CompiledRoute>();
    for (const route of table.services) {
      const state = this.#services.get(route.service) ?? services.get(route.service) ?? new ServiceState();
      services.set(route.service, state);
      updateBucket(state, route.rateLimit, now);
      const pools: InstancePool[] = [];
      for (const inst of route.instances) {
        const key = instanceKey(inst);
        let pool = instances.get(key) ?? this.#instances.get(key);
        if (pool === undefined) pool = new InstancePool(inst, this.#upstreamIdleMs);
        instances.set(key, pool);
        if (!pools.includes(pool)) pools.push(pool);
      }
      routes.set(route.service, new CompiledRoute(route, pools, state));
    }
    for (const [key, pool] of this.#instances) {
      if (instances.has(key)) continue;
      pool.retire();
      if (pool.connections > 0) this.#retiring.add(pool);
    }
    this.#services = services;
    this.#instances = instances;
    return new CompiledTable(table.revision, routes);
  }

  tick(now: number): void {
    for (const pool of this.#instances.values()) pool.tick(now);
    for (const pool of this.#retiring) {
      pool.tick(now);
      if (pool.connections === 0) this.#retiring.delete(pool);
    }
  }

  destroyAll(): void {
    for (const pool of this.#instances.values()) pool.destroyAll();
    for (const pool of this.#retiring) pool.destroyAll();
    this.#retiring.clear();
  }
}

function updateBucket(state: ServiceState, rate: number | null, now: number): void {
  if (rate === null || rate <= 0) state.bucket = null;
  else if (state.bucket === null) state.bucket = new TokenBucket(rate, now);
  else if (state.bucket.rate !== rate) state.bucket.setRate(rate);
}
