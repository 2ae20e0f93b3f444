// Everything the runtime knows about one instance name, across the processes it has had:
// the current run, the last way a process ended, usage figures. It renders the Observation.
import type { LastState } from '../../contract/index.js';
import type { InstancePhase, LaunchRequest, Observation } from '../types.js';
import type { InstanceFiles } from './instance-files.js';
import { InstanceLog } from './instance-log.js';
import type { InstanceRun, RunEvents } from './instance-run.js';
import { cpuPercent, startReading, type CpuReading, type GroupUsage } from './usage.js';

export interface RunStart {
  req: LaunchRequest;
  pid: number;
  port: number;
  startTicks: number;
  startTime: string;
  adopted: boolean;
}

export class InstanceEntry {
  readonly name: string;
  readonly files: InstanceFiles;
  readonly log: InstanceLog;
  #req: LaunchRequest;
  #run: InstanceRun | null = null;
  /** Increments with every run, so that events of an earlier run can be told apart. */
  #generation = 0;
  #phase: InstancePhase = 'exited';
  #phaseSince: number;
  #start: RunStart;
  #lastState: LastState | null = null;
  #lastLogLines: string[] = [];
  #probeError: string | null = null;
  #cpuPercent: number | null = null;
  #rssBytes: number | null = null;
  #cpuReading: CpuReading | null = null;
  readonly #now: () => number;
  readonly #changed: (name: string) => void;

  constructor(req: LaunchRequest, files: InstanceFiles, keepLogFiles: number, now: () => number, changed: (name: string) => void) {
    this.name = req.instance;
    this.files = files;
    this.log = new InstanceLog(files.log, keepLogFiles);
    this.#req = req;
    this.#now = now;
    this.#changed = changed;
    this.#phaseSince = now();
    this.#start = { req, pid: 0, port: 0, startTicks: 0, startTime: '', adopted: false };
  }

  get request(): LaunchRequest {
    return this.#req;
  }

  get run(): InstanceRun | null {
    return this.#run;
  }

  get pid(): number {
    return this.#start.pid;
  }

  /** True from spawn (or adoption) until the process group is gone. */
  get running(): boolean {
    return this.#run !== null && this.#phase !== 'exited';
  }

  /** Starts tracking a new process; `makeRun` receives the events it must report through. */
  begin(start: RunStart, makeRun: (events: RunEvents) => InstanceRun): InstanceRun {
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation;
    this.#req = start.req;
    this.#start = start;
    this.#probeError = null;
    this.#cpuPercent = null;
    this.#rssBytes = null;
    this.#cpuReading = startReading(start.startTicks);
    this.#run = makeRun({
      phase: (phase) => {
        if (current()) this.#setPhase(phase);
      },
      probeError: (error) => {
        if (current()) this.#probeError = error;
      },
      ended: (lastState, lines) => {
        if (!current()) return;
        this.#lastState = lastState;
        this.#lastLogLines = lines;
        this.#probeError = null;
        this.#cpuPercent = null;
        this.#rssBytes = null;
        this.#setPhase('exited');
      },
    });
    this.#setPhase('starting');
    return this.#run;
  }

  /**
   * The program could not be started at all. launch() rejects, which is how the caller learns
   * of it; the observation shows why, and as the phase stays 'exited' no change is signalled.
   */
  failedToStart(req: LaunchRequest, port: number, lastState: LastState, lines: string[]): void {
    this.#generation += 1;
    this.#req = req;
    this.#run = null;
    this.#start = { req, pid: 0, port, startTicks: 0, startTime: lastState.FinishedAt, adopted: false };
    this.#lastState = lastState;
    this.#lastLogLines = lines;
    this.#probeError = null;
    this.#phase = 'exited';
    this.#phaseSince = this.#now();
  }

  recordUsage(usage: GroupUsage, atSeconds: number): void {
    // A sample taken just before the process ended must not outlive it.
    if (!this.running) return;
    const reading: CpuReading = { cpuTicks: usage.cpuTicks, atSeconds };
    if (this.#cpuReading !== null) this.#cpuPercent = cpuPercent(this.#cpuReading, reading) ?? this.#cpuPercent;
    this.#cpuReading = reading;
    this.#rssBytes = usage.rssBytes;
  }

  observation(): Observation {
    return {
      instance: this.name,
      service: this.#req.service,
      version: this.#req.version,
      phase: this.#phase,
      pid: this.#start.pid,
      port: this.#start.port,
      startTime: this.#start.startTime,
      phaseSince: this.#phaseSince,
      lastState: this.#lastState === null ? null : { ...this.#lastState },
      lastLogLines: [...this.#lastLogLines],
      probeError: this.#probeError,
      cpuPercent: this.#cpuPercent,
      rssBytes: this.#rssBytes,
      adopted: this.#start.adopted,
    };
  }

  #setPhase(phase: InstancePhase): void {
    if (phase === this.#phase) return;
    this.#phase = phase;
    this.#phaseSince = this.#now();
    this.#changed(this.name);
  }
}
