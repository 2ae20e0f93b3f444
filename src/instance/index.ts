// The instance host (`easel instance`): serves one processor over HTTP for the runtime and the gateway.
export { createInstanceHost, type InstanceHost } from './host.js';
export type { InstanceHostOptions } from './options.js';
export { runInstanceCommand, EXIT_CODES } from './command.js';
export { readInstanceConfig, parseInstanceConfig, InstanceConfigError } from './config.js';
