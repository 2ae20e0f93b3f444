// The local runtime: each instance a detached child process on a free port of this host.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { freePort } from '../../shared/free-port.js';
import type { LastState } from '../../contract/index.js';
import type { LaunchRequest, LogOptions, Observation, ProcessRecord, Runtime } from '../types.js';
import { adoptProcess } from './adopted-process.js';
import { spawnChild } from './child-process.js';
import { planCommand, requestedPort } from './command.js';
import { InstanceEntry } from './instance-entry.js';
import { assertInstanceName, instanceFiles } from './instance-files.js';
import { InstanceRun, LAST_LOG_LINES } from './instance-run.js';
import { streamLog } from './log-reader.js';
import type { LocalRuntimeConfig } from './options.js';
import { PeriodicTask } from './periodic-task.js';
import type { ProcessHandle } from './process-handle.js';
import { probePlanFor } from './probe-plan.js';
import { PROC_AVAILABLE, sampleInstances } from './sampler.js';

export type LocalRuntimeState = 'open' | 'closing' | 'closed';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class LocalRuntime implements Runtime {
  #state: LocalRuntimeState = 'open';
  readonly #cfg: LocalRuntimeConfig;
  readonly #entries = new Map<string, InstanceEntry>();
  /** Names with a launch or adoption under way. */
  readonly #claimed = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #listeners = new Set<(instance: string) => void>();
  /** Aborted by close(): ends log followers. */
  readonly #lifetime = new AbortController();
  readonly #sampler: PeriodicTask;
  #closing: Promise<void> | null = null;

  constructor(cfg: LocalRuntimeConfig) {
    this.#cfg = cfg;
    if (!PROC_AVAILABLE) cfg.log.warn('no /proc on this system: CPU and RSS are not sampled and metadata.memory is not enforced');
    this.#sampler = new PeriodicTask({
      name: 'sampler',
      intervalMs: () => cfg.sampleIntervalMs,
      log: cfg.log,
      step: () => sampleInstances(this.#entries.values(), cfg),
    });
  }

  get state(): LocalRuntimeState {
    return this.#state;
  }

  launch(req: LaunchRequest): Promise<ProcessRecord> {
    return this.#tracked(req.instance, () => this.#launch(req));
  }

  adopt(req: LaunchRequest, record: ProcessRecord): Promise<boolean> {
    return this.#tracked(req.instance, () => this.#adopt(req, record));
  }

  /** Resolves at once for an instance that has ended or that this runtime does not know. */
  async stop(instance: string, graceMs: number): Promise<void> {
    const entry = this.#entries.get(instance);
    if (entry?.running === true) await entry.run?.stop(graceMs);
  }

  async forget(instance: string, opts: { purgeFiles: boolean }): Promise<void> {
    assertInstanceName(instance);
    if (this.#claimed.has(instance)) throw new Error(`instance "${instance}" is being launched or adopted`);
    const entry = this.#entries.get(instance);
    // An instance that is forgotten must not run on unwatched: kill it first.
    if (entry?.running === true) await entry.run?.stop(0);
    if (this.#entries.get(instance) === entry) this.#entries.delete(instance);
    if (opts.purgeFiles) await rm(instanceFiles(this.#cfg.dir, instance).folder, { recursive: true, force: true });
  }

  observe(): Observation[] {
    return [...this.#entries.values()].map((e) => e.observation());
  }

  onChange(listener: (instance: string) => void): void {
    this.#listeners.add(listener);
  }

  logs(instance: string, opts: LogOptions): AsyncIterable<string> {
    const entry = this.#known(instance);
    const signal = opts.signal === undefined ? this.#lifetime.signal : AbortSignal.any([opts.signal, this.#lifetime.signal]);
    return streamLog(entry.log, { ...opts, signal, isKnown: () => this.#entries.get(instance) === entry });
  }

  close(opts: { stopInstances: boolean }): Promise<void> {
    this.#closing ??= this.#close(opts.stopInstances);
    return this.#closing;
  }

  async #close(stopInstances: boolean): Promise<void> {
    this.#state = 'closing';
    await Promise.allSettled([...this.#pending]);
    const ending: Promise<void>[] = [];
    for (const entry of this.#entries.values()) {
      const run = entry.running ? entry.run : null;
      if (run !== null) ending.push(stopInstances ? run.stop(entry.request.resolved.terminationGraceMs) : run.release());
    }
    await Promise.all(ending);
    await this.#sampler.close();
    this.#lifetime.abort();
    this.#state = 'closed';
    this.#listeners.clear();
  }

  async #launch(req: LaunchRequest): Promise<ProcessRecord> {
    const { dir, log, now, instanceHostCommand, modelsDir } = this.#cfg;
    const files = instanceFiles(dir, req.instance);
    await mkdir(files.folder, { recursive: true });
    const entry = this.#entryFor(req);
    const port = requestedPort(req) ?? (await freePort());
    const plan = planCommand(req, { port, folder: files.folder, configPath: files.config, instanceHostCommand, modelsDir, baseEnv: process.env });
    if (plan.instanceConfig !== null) await writeFile(files.config, `${JSON.stringify(plan.instanceConfig, null, 2)}\n`);
    if (await exists(files.log)) await entry.log.note(`instance restarted at ${new Date(now()).toISOString()}`);

    let handle: ProcessHandle;
    try {
      handle = await spawnChild(plan, files.log, log);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const lastState: LastState = { ExitCode: null, Signal: null, Reason: 'Error', FinishedAt: new Date(now()).toISOString(), Message: message };
      await entry.log.note(message);
      entry.failedToStart(req, port, lastState, await entry.log.lastLines(LAST_LOG_LINES));
      throw err;
    }
    const startTime = new Date(now()).toISOString();
    this.#begin(entry, req, handle, port, startTime);
    log.info({ instance: req.instance, pid: handle.pid, port }, 'instance launched');
    return { instance: req.instance, pid: handle.pid, port, startTicks: handle.startTicks, startTime };
  }

  async #adopt(req: LaunchRequest, record: ProcessRecord): Promise<boolean> {
    if (record.instance !== req.instance) throw new Error(`record of "${record.instance}" cannot be adopted as "${req.instance}"`);
    const handle = await adoptProcess(record.pid, record.startTicks, this.#cfg.log);
    if (handle === null) {
      this.#cfg.log.info({ instance: req.instance, pid: record.pid }, 'not adopting: the recorded process is gone');
      return false;
    }
    await mkdir(instanceFiles(this.#cfg.dir, req.instance).folder, { recursive: true });
    this.#begin(this.#entryFor(req), req, handle, record.port, record.startTime);
    this.#cfg.log.info({ instance: req.instance, pid: record.pid }, 'instance adopted');
    return true;
  }

  #begin(entry: InstanceEntry, req: LaunchRequest, handle: ProcessHandle, port: number, startTime: string): void {
    const { startupProbeIntervalMs, log, now } = this.#cfg;
    const start = { req, pid: handle.pid, port, startTicks: handle.startTicks, startTime, adopted: handle.adopted };
    entry.begin(start, (events) => new InstanceRun({ handle, probes: probePlanFor(req.resolved, port), startupProbeIntervalMs, log: entry.log, now, logger: log, events }));
  }

  /** Runs a launch or adoption: one at a time per name, never after close(), awaited by close(). */
  async #tracked<T>(instance: string, op: () => Promise<T>): Promise<T> {
    if (this.#state !== 'open') throw new Error('the runtime is closed');
    assertInstanceName(instance);
    if (this.#claimed.has(instance) || this.#entries.get(instance)?.running === true) {
      throw new Error(`instance "${instance}" is already running`);
    }
    this.#claimed.add(instance);
    const pending = op();
    this.#pending.add(pending);
    try {
      return await pending;
    } finally {
      this.#pending.delete(pending);
      this.#claimed.delete(instance);
    }
  }

  #entryFor(req: LaunchRequest): InstanceEntry {
    let entry = this.#entries.get(req.instance);
    if (entry === undefined) {
      const files = instanceFiles(this.#cfg.dir, req.instance);
      entry = new InstanceEntry(req, files, this.#cfg.logKeepFiles, this.#cfg.now, (name) => this.#emit(name));
      this.#entries.set(req.instance, entry);
    }
    return entry;
  }

  #known(instance: string): InstanceEntry {
    const entry = this.#entries.get(instance);
    if (entry === undefined) throw new Error(`unknown instance "${instance}"`);
    return entry;
  }

  #emit(instance: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(instance);
      } catch (err) {
        this.#cfg.log.warn({ err, instance }, 'onChange listener threw');
      }
    }
  }
}
