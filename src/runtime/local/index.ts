// The local runtime: instances as child processes of this host. See runtime.ts.
import type { Runtime } from '../types.js';
import { compileOptions, type LocalRuntimeOptions } from './options.js';
import { LocalRuntime } from './runtime.js';

export { LOCAL_RUNTIME_DEFAULTS, type LocalRuntimeOptions } from './options.js';

export function createLocalRuntime(opts: LocalRuntimeOptions): Runtime {
  return new LocalRuntime(compileOptions(opts));
}
