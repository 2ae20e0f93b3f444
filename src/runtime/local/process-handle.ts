// A running instance process, whether we spawned it or adopted it from an earlier control plane.
import type { ProcessExit } from './exit-state.js';

/** 'released': the runtime stopped watching (closed without stopping); the process runs on. */
export type HandleEnd = ProcessExit | { kind: 'released' };

export interface ProcessHandle {
  /** Also the process group id. */
  readonly pid: number;
  readonly startTicks: number;
  readonly adopted: boolean;
  /** Resolves once when the process ends or the handle is released; never rejects. */
  readonly ended: Promise<HandleEnd>;
  /** Signals the process group; false when nothing was there to signal. */
  signal(signal: NodeJS.Signals): boolean;
  /** Stops watching without touching the process, so a later runtime can adopt it. */
  release(): Promise<void>;
}
