// The runtime component: the interface the control plane drives, and its implementations.
export type { InstancePhase, LaunchRequest, LogOptions, Observation, ProcessRecord, Runtime } from './types.js';
export { createLocalRuntime, LOCAL_RUNTIME_DEFAULTS, type LocalRuntimeOptions } from './local/index.js';
/** /proc/<pid>/stat of one process (pid + startTicks identify it across pid reuse), e.g. for lock files. */
export { readProcStatSync, type ProcStat } from './local/proc-stat.js';
