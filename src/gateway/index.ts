// The gateway (data plane): `/api/predict/<service>[/<rest>][?query]` → an instance, over
// pooled keep-alive connections, with EAS auth, limits and least-outstanding balancing.
export { createGateway, type Gateway } from './gateway.js';
export type { GatewayOptions } from './options.js';
export { watchRoutes, type WatchOptions, type RouteWatch } from './watch.js';
export { runGatewayCommand, type GatewayCommandOptions, type GatewayStateFile } from './command.js';
