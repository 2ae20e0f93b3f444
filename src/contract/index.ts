// The contract shared by server, CLI and console: schemas, API shapes and error codes.
// Nothing here imports node: modules, so the browser console can use it too.
export * from './spec.js';
export * from './validate.js';
export * from './defaults.js';
export * from './resolve.js';
export * from './errors.js';
export * from './api.js';
export * from './routes.js';
export * from './instance.js';
export * from './json.js';
