// The routing table the control plane publishes to gateways over its watch stream
// (WebSocket at `/api/v2/watch/routes`, admin auth). Gateways never read the database.

export interface RouteInstance {
  name: string;
  host: string;
  port: number;
  version: number;
}

export interface ServiceRoute {
  service: string;
  /** stopped: 503 "stopped"; running with no instances: 503 "no ready instance". */
  state: 'running' | 'stopped';
  /** null when the service was created with networking.disable_auth. */
  token: string | null;
  /** Request deadline (rpc.keepalive) in milliseconds; exceeded → 408. */
  keepaliveMs: number;
  /** networking.gateway_policy.rate_limit: requests per second per gateway. */
  rateLimit: number | null;
  /** networking.gateway_policy.concurrency_limit: requests in flight per gateway. */
  concurrencyLimit: number | null;
  /** Ready instances that may receive traffic. */
  instances: RouteInstance[];
}

export interface RoutingTable {
  /** Increases with every change; gateways acknowledge the revision they apply. */
  revision: number;
  services: ServiceRoute[];
}

/** Control plane → gateway. */
export type WatchServerMessage = { type: 'table'; table: RoutingTable };

/** Gateway → control plane: the revision now in force on this gateway. */
export type WatchClientMessage = { type: 'ack'; revision: number };

export const WATCH_ROUTES_PATH = '/api/v2/watch/routes';
