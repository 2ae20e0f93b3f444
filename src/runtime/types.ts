// The runtime interface: how the control plane starts, watches and stops instances.
// `local` (this folder) runs each instance as a child process; `kubernetes` comes later.
import type { LastState } from '../contract/api.js';
import type { ServiceSpec } from '../contract/spec.js';
import type { ResolvedSpec } from '../contract/resolve.js';

export interface LaunchRequest {
  /** Unique instance name, e.g. `echo-v1-x7k2p`; the same name is reused across restarts. */
  instance: string;
  service: string;
  version: number;
  spec: ServiceSpec;
  resolved: ResolvedSpec;
}

/**
 * What the control plane persists about a running process so that a restarted control plane
 * can re-adopt it. `startTicks` (field 22 of /proc/<pid>/stat) guards against pid reuse.
 */
export interface ProcessRecord {
  instance: string;
  pid: number;
  port: number;
  startTicks: number;
  startTime: string;
}

/**
 * starting: process up, readiness not yet passed · ready: passing readiness, may get traffic ·
 * unready: was ready, readiness now failing · exited: the process is gone (see lastState) ·
 * stopping: a graceful stop is under way.
 */
export type InstancePhase = 'starting' | 'ready' | 'unready' | 'exited' | 'stopping';

export interface Observation {
  instance: string;
  service: string;
  version: number;
  phase: InstancePhase;
  pid: number;
  port: number;
  startTime: string;
  /** When the phase last changed (ms since epoch, from the runtime's clock). */
  phaseSince: number;
  /** Set once the process has ended at least once. */
  lastState: LastState | null;
  /** Last lines of the instance's output, captured when it exited (for the service Reason). */
  lastLogLines: string[];
  /** Why the last readiness probe failed, while the instance is not ready; null otherwise. */
  probeError: string | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  /** True when this process was started by an earlier control plane and re-adopted. */
  adopted: boolean;
}

export interface LogOptions {
  /** Lines from the end to start with (default: all that is kept). */
  tail?: number;
  /** Keep streaming new lines until the signal aborts. */
  follow?: boolean;
  signal?: AbortSignal;
}

export interface Runtime {
  /** Starts (or restarts, under the same name) the process of an instance. Resolves once spawned. */
  launch(req: LaunchRequest): Promise<ProcessRecord>;
  /** Takes over a process an earlier control plane started; false when it is gone or is not ours. */
  adopt(req: LaunchRequest, record: ProcessRecord): Promise<boolean>;
  /** Graceful stop: SIGTERM to the process group, wait up to graceMs, then SIGKILL. */
  stop(instance: string, graceMs: number): Promise<void>;
  /** Drops an instance that will not run again; `purgeFiles` also deletes its folder and logs. */
  forget(instance: string, opts: { purgeFiles: boolean }): Promise<void>;
  /** The current state of every instance the runtime knows. */
  observe(): Observation[];
  /** Called whenever an observation changes phase (ready, exited, ...). */
  onChange(listener: (instance: string) => void): void;
  /** Output lines of an instance (stdout and stderr interleaved), oldest first. */
  logs(instance: string, opts: LogOptions): AsyncIterable<string>;
  /**
   * Stops probes and samplers. With `stopInstances`, stops every process gracefully first;
   * without, leaves them running for a later control plane to adopt.
   */
  close(opts: { stopInstances: boolean }): Promise<void>;
}
