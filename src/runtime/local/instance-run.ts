// One process of an instance, from spawn (or adoption) to its end: probes drive its phase,
// the runtime may kill it (memory, liveness) or stop it, and its end becomes a LastState.
import { performance } from 'node:perf_hooks';
import type { LastState } from '../../contract/index.js';
import type { InstancePhase } from '../types.js';
import { lastStateOf, type KillCause } from './exit-state.js';
import type { InstanceLog } from './instance-log.js';
import type { RuntimeLog } from './options.js';
import type { ProcessHandle } from './process-handle.js';
import { groupRunning } from './process-group.js';
import type { ProbePlan } from './probe-plan.js';
import type { ProbeState } from './probe-policy.js';
import { Prober } from './prober.js';
import { settlesWithin, sleep } from './wait.js';

/** Lines of output kept with the LastState of a process that ended. */
export const LAST_LOG_LINES = 20;
const GROUP_POLL_MS = 50;
/** How long SIGKILLed leftovers of a group get to disappear before the end is reported anyway. */
const LEFTOVER_KILL_WAIT_MS = 2000;

export interface RunEvents {
  phase(phase: Exclude<InstancePhase, 'exited'>): void;
  probeError(error: string | null): void;
  /** The process (and its group) is gone; the run is over. */
  ended(lastState: LastState, lastLogLines: string[]): void;
}

export interface RunOptions {
  handle: ProcessHandle;
  probes: ProbePlan;
  startupProbeIntervalMs: number;
  log: InstanceLog;
  now: () => number;
  logger: RuntimeLog;
  events: RunEvents;
}

export class InstanceRun {
  readonly handle: ProcessHandle;
  #phase: InstancePhase = 'starting';
  #cause: KillCause | null = null;
  /** Set by stop(): until then (performance.now()), the group may finish on its own. */
  #stopDeadline: number | null = null;
  #stopping: Promise<void> | null = null;
  #exitSeen = false;
  readonly #opts: RunOptions;
  readonly #prober: Prober;
  readonly #finished: Promise<void>;

  constructor(opts: RunOptions) {
    this.#opts = opts;
    this.handle = opts.handle;
    this.#prober = new Prober(
      opts.probes,
      opts.startupProbeIntervalMs,
      {
        update: (state) => this.#onProbe(state),
        livenessFailed: (message) => this.kill({ kind: 'liveness', message }),
      },
      opts.logger,
    );
    this.#finished = this.#watch();
  }

  get phase(): InstancePhase {
    return this.#phase;
  }

  /** Kills the group at once for a reason recorded in its LastState (OOM, liveness). */
  kill(cause: Extract<KillCause, { kind: 'oom' | 'liveness' }>): void {
    if (this.#exitSeen || (this.#cause !== null && this.#cause.kind !== 'stop')) return;
    this.#cause = cause;
    this.#opts.logger.warn({ pid: this.handle.pid, reason: cause.message }, 'killing instance');
    this.handle.signal('SIGKILL');
  }

  /** SIGTERM to the group, SIGKILL once graceMs have passed; resolves when the group is gone. */
  stop(graceMs: number): Promise<void> {
    this.#stopping ??= this.#stop(graceMs);
    return this.#stopping;
  }

  /** Stops watching and probing; the process runs on for a later runtime to adopt. */
  async release(): Promise<void> {
    await this.#prober.close();
    await this.handle.release();
    await this.#finished;
  }

  async #stop(graceMs: number): Promise<void> {
    if (this.#exitSeen) return this.#finished;
    this.#cause ??= { kind: 'stop', graceMs, escalated: false };
    this.#stopDeadline = performance.now() + graceMs;
    this.#setPhase('stopping');
    await this.#prober.close();
    this.handle.signal('SIGTERM');
    if (!(await settlesWithin(this.#finished, graceMs))) {
      if (this.#cause.kind === 'stop') this.#cause.escalated = true;
      this.handle.signal('SIGKILL');
    }
    await this.#finished;
  }

  #onProbe(state: ProbeState): void {
    if (this.#phase === 'stopping' || this.#phase === 'exited') return;
    this.#opts.events.probeError(state.phase === 'ready' ? null : state.lastError);
    if (state.phase !== 'starting') this.#setPhase(state.phase);
  }

  #setPhase(phase: Exclude<InstancePhase, 'exited'>): void {
    if (phase === this.#phase) return;
    this.#phase = phase;
    this.#opts.events.phase(phase);
  }

  /** Waits for the end of the process, cleans up its group and reports how it ended. */
  async #watch(): Promise<void> {
    const { handle, logger } = this.#opts;
    const end = await handle.ended;
    if (end.kind === 'released') return;
    this.#exitSeen = true;
    let lastLogLines: string[] = [];
    try {
      // A graceful stop covers the whole group: a shell's children may still be draining.
      if (this.#stopDeadline !== null) await this.#groupGone(this.#stopDeadline);
      if (await groupRunning(handle.pid)) {
        handle.signal('SIGKILL');
        if (this.#cause?.kind === 'stop') this.#cause.escalated = true;
        // Exited means gone: a relaunch on a fixed port must find it free.
        await this.#groupGone(performance.now() + LEFTOVER_KILL_WAIT_MS);
      }
      await this.#prober.close();
      lastLogLines = await this.#opts.log.lastLines(LAST_LOG_LINES);
    } catch (err) {
      logger.error({ err, pid: handle.pid }, 'cleaning up after an instance process failed');
    }
    const lastState = lastStateOf(end, this.#cause, new Date(this.#opts.now()).toISOString());
    this.#phase = 'exited';
    logger.info({ pid: handle.pid, reason: lastState.Reason, message: lastState.Message }, 'instance process ended');
    this.#opts.events.ended(lastState, lastLogLines);
  }

  async #groupGone(deadline: number): Promise<void> {
    while (performance.now() < deadline && (await groupRunning(this.handle.pid))) {
      await sleep(Math.min(GROUP_POLL_MS, Math.max(0, deadline - performance.now())));
    }
  }
}
