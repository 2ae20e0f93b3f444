// Runs a custom JavaScript processor in one worker thread and keeps that thread healthy: a
// heartbeat for liveness, and when a request passes its deadline while the thread stops
// answering heartbeats (a synchronous endless loop), the thread is replaced by a fresh one.
import { Worker } from 'node:worker_threads';
import { errorMessage, errorStack } from '../describe.js';
import { ProcessorStartError, type ProcessorJob, type ProcessorRunner, type RunnerHooks } from '../runner.js';
import { workerExecArgv } from './exec-argv.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';
import { takeForTransfer } from './transfer.js';

export interface WorkerRunnerTiming {
  /** How often the main thread pings the processor thread. @default 1000 */
  heartbeatIntervalMs: number;
  /** live() turns false when no ping was answered for longer than this. @default 10000 */
  livenessTimeoutMs: number;
  /** After a request in the thread passes its deadline, how long a ping may go unanswered before the thread counts as hung. @default 1000 */
  hangGraceMs: number;
}

export const DEFAULT_WORKER_TIMING: WorkerRunnerTiming = {
  heartbeatIntervalMs: 1000,
  livenessTimeoutMs: 10_000,
  hangGraceMs: 1000,
};

/**
 * idle → starting → running ⇄ restarting; any → closing → closed; starting|restarting → failed.
 * `running` with #suspectSince set means a request expired in the thread and no heartbeat has
 * been answered since: new jobs wait in the backlog until the thread answers or is replaced.
 */
type State = 'idle' | 'starting' | 'running' | 'restarting' | 'failed' | 'closing' | 'closed';

const WORKER_ENTRY = new URL('./worker-main.js', import.meta.url);

export class WorkerRunner implements ProcessorRunner {
  readonly #setup: WorkerSetup;
  readonly #hooks: RunnerHooks;
  readonly #timing: WorkerRunnerTiming;
  #state: State = 'idle';
  #worker: Worker | undefined;
  /** The last uncaught error of the current thread, to explain its exit. */
  #threadError: unknown;
  /** Jobs posted to the current thread. */
  readonly #pending = new Map<number, ProcessorJob>();
  /** Jobs waiting for a thread that can take them. */
  #backlog: ProcessorJob[] = [];
  #pingSeq = 0;
  #lastPongAt = 0;
  #suspectSince: number | undefined;
  #hangTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #started: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #onThreadClosed: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(setup: WorkerSetup, hooks: RunnerHooks, timing: Partial<WorkerRunnerTiming> = {}) {
    this.#setup = setup;
    this.#hooks = hooks;
    this.#timing = { ...DEFAULT_WORKER_TIMING, ...timing };
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') return Promise.reject(new Error(`the processor runner was already started (${this.#state})`));
    this.#state = 'starting';
    return new Promise<void>((resolve, reject) => {
      this.#started = { resolve, reject };
      this.#spawn();
    });
  }

  submit(job: ProcessorJob): void {
    switch (this.#state) {
      case 'running':
        if (this.#suspectSince === undefined) this.#post(job);
        else this.#backlog.push(job);
        return;
      case 'idle':
      case 'starting':
      case 'restarting':
        this.#backlog.push(job);
        return;
      default:
        job.settle({ ok: false, error: 'unavailable', reason: this.#state === 'failed' ? 'it failed to restart' : 'the instance is shutting down' });
    }
  }

  submitBatch(jobs: readonly ProcessorJob[]): void {
    if (this.#state !== 'running' || this.#suspectSince !== undefined || this.#worker === undefined || jobs.length === 1) {
      for (const job of jobs) this.submit(job);
      return;
    }
    const worker = this.#worker;
    const bodies: ArrayBuffer[] = [];
    try {
      for (const job of jobs) {
        bodies.push(takeForTransfer(job.body));
        this.#pending.set(job.id, job);
      }
      const msg: ToWorker = { t: 'batch', ids: jobs.map((j) => j.id), bodies, requests: jobs.map((j) => j.request) };
      worker.postMessage(msg, bodies);
    } catch (e) {
      for (const job of jobs) {
        this.#pending.delete(job.id);
        job.settle({ ok: false, error: 'failed', reason: `could not hand the batch to the processor thread: ${errorMessage(e)}` });
      }
    }
  }

  expire(job: ProcessorJob): void {
    const waiting = this.#backlog.indexOf(job);
    if (waiting >= 0) {
      this.#backlog.splice(waiting, 1);
      return;
    }
    if (!this.#pending.delete(job.id)) return;
    if (this.#state === 'running' && this.#suspectSince === undefined) {
      // Whether the thread is merely slow or stuck in a loop shows in whether it still answers.
      this.#suspectSince = performance.now();
      this.#ping();
      this.#hangTimer = setTimeout(() => this.#checkHang(), this.#timing.hangGraceMs);
    }
  }

  live(): boolean {
    if (this.#state !== 'running') return true;
    return performance.now() - this.#lastPongAt <= this.#timing.livenessTimeoutMs;
  }

  close(graceMs: number): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    // A thread that does not answer heartbeats would not run close() either.
    const canClose = this.#state === 'running' && this.#suspectSince === undefined && this.live();
    this.#state = 'closing';
    this.#stopTimers();
    this.#failAll('unavailable', 'the instance is shutting down');
    if (this.#started !== undefined) {
      this.#started.reject(new Error('the processor was closed before it finished starting'));
      this.#started = undefined;
    }
    const worker = this.#worker;
    if (worker !== undefined) {
      if (canClose) await this.#askToClose(worker, graceMs);
      this.#worker = undefined;
      await worker.terminate().catch(() => undefined);
    }
    this.#failAll('unavailable', 'the instance is shutting down');
    this.#state = 'closed';
  }

  /** Lets the processor run its close() for up to graceMs. */
  async #askToClose(worker: Worker, graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#onThreadClosed = resolve;
      timer = setTimeout(() => {
        this.#hooks.logger.warn({ graceMs }, 'processor close() did not finish within the grace period');
        resolve();
      }, graceMs);
      try {
        worker.postMessage({ t: 'close' } satisfies ToWorker);
      } catch {
        resolve();
      }
    });
    clearTimeout(timer);
    this.#onThreadClosed = undefined;
  }

  #spawn(): void {
    this.#threadError = undefined;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_ENTRY, { workerData: this.#setup, execArgv: workerExecArgv(process.execArgv) });
    } catch (e) {
      this.#startFailed(ProcessorStartError.load(this.#setup.modulePath, `cannot start the processor thread: ${errorMessage(e)}`), errorStack(e));
      return;
    }
    this.#worker = worker;
    worker.on('message', (msg: FromWorker) => {
      if (worker === this.#worker) this.#onMessage(msg);
    });
    worker.on('error', (e) => {
      if (worker !== this.#worker) return;
      this.#threadError = e;
      this.#hooks.logger.error({ err: errorMessage(e), stack: errorStack(e) }, 'uncaught exception in the processor thread');
    });
    worker.on('messageerror', (e) => {
      this.#hooks.logger.error({ err: errorMessage(e) }, 'a message from the processor thread could not be read');
    });
    worker.on('exit', (code) => {
      if (worker === this.#worker) this.#onExit(code);
    });
  }

  #onMessage(msg: FromWorker): void {
    switch (msg.t) {
      case 'result': {
        const job = this.#take(msg.id);
        job?.settle({ ok: true, status: msg.status, headers: msg.headers, body: Buffer.from(msg.body) });
        return;
      }
      case 'failure': {
        const job = this.#take(msg.id);
        this.#hooks.logger.error({ err: msg.reason, stack: msg.stack, path: job?.request.path, late: job === undefined }, 'processor failed');
        job?.settle({ ok: false, error: 'failed', reason: msg.reason });
        return;
      }
      case 'pong':
        this.#lastPongAt = performance.now();
        if (this.#suspectSince !== undefined) this.#clearSuspicion();
        return;
      case 'log': {
        const fields = { ...msg.extra, source: 'processor' };
        this.#hooks.logger[msg.level](fields, msg.msg);
        return;
      }
      case 'ready':
        this.#onReady();
        return;
      case 'start-failed': {
        const err = msg.phase === 'load' ? ProcessorStartError.load(this.#setup.modulePath, msg.message) : ProcessorStartError.initialize(msg.message);
        this.#startFailed(err, msg.stack);
        return;
      }
      case 'closed':
        if (msg.error !== undefined) this.#hooks.logger.warn({ err: msg.error }, 'processor close() failed');
        this.#onThreadClosed?.();
        return;
    }
  }

  #take(id: number): ProcessorJob | undefined {
    const job = this.#pending.get(id);
    if (job === undefined) {
      this.#hooks.logger.debug({ id }, 'dropped the late outcome of an expired request');
      return undefined;
    }
    this.#pending.delete(id);
    return job;
  }

  #onReady(): void {
    const restarted = this.#state === 'restarting';
    if (this.#state !== 'starting' && !restarted) return;
    this.#state = 'running';
    this.#lastPongAt = performance.now();
    this.#heartbeat ??= setInterval(() => this.#ping(), this.#timing.heartbeatIntervalMs).unref();
    if (restarted) this.#hooks.logger.info({}, 'processor thread restarted and initialized');
    this.#started?.resolve();
    this.#started = undefined;
    this.#flushBacklog();
  }

  #startFailed(err: ProcessorStartError, stack: string | undefined): void {
    if (this.#state !== 'starting' && this.#state !== 'restarting') return;
    const first = this.#state === 'starting';
    this.#state = 'failed';
    this.#stopTimers();
    this.#hooks.logger.error({ err: err.message, stack }, first ? 'processor failed to start' : 'processor failed to start again after a restart');
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate().catch(() => undefined);
    this.#failAll('unavailable', err.message);
    if (this.#started !== undefined) {
      this.#started.reject(err);
      this.#started = undefined;
    } else {
      this.#hooks.onFatal(err);
    }
  }

  #onExit(code: number): void {
    this.#worker = undefined;
    const why = this.#threadError === undefined ? `it exited with code ${code}` : `it crashed: ${errorMessage(this.#threadError)}`;
    switch (this.#state) {
      case 'starting':
      case 'restarting':
        this.#startFailed(ProcessorStartError.initialize(`the processor thread stopped before it was ready: ${why}`), errorStack(this.#threadError));
        return;
      case 'running':
        this.#restart(`the processor thread stopped: ${why}`);
        return;
      default:
        this.#onThreadClosed?.();
    }
  }

  #restart(reason: string): void {
    this.#state = 'restarting';
    this.#clearSuspicion(false);
    this.#hooks.logger.warn({ reason }, 'restarting the processor thread');
    this.#hooks.onRestart(reason);
    for (const job of this.#pending.values()) {
      job.settle({ ok: false, error: 'failed', reason: `the processor thread was restarted (${reason})` });
    }
    this.#pending.clear();
    const old = this.#worker;
    this.#worker = undefined;
    void old?.terminate().catch(() => undefined);
    this.#spawn();
  }

  #checkHang(): void {
    this.#hangTimer = undefined;
    if (this.#suspectSince === undefined || this.#state !== 'running') return;
    this.#restart(`it answered no heartbeat for ${this.#timing.hangGraceMs} ms after a request passed its deadline (a synchronous endless loop?)`);
  }

  #clearSuspicion(flush = true): void {
    this.#suspectSince = undefined;
    clearTimeout(this.#hangTimer);
    this.#hangTimer = undefined;
    if (flush) this.#flushBacklog();
  }

  #flushBacklog(): void {
    if (this.#state !== 'running' || this.#backlog.length === 0) return;
    const jobs = this.#backlog;
    this.#backlog = [];
    for (const job of jobs) this.#post(job);
  }

  #post(job: ProcessorJob): void {
    const worker = this.#worker;
    if (worker === undefined) {
      this.#backlog.push(job);
      return;
    }
    try {
      const body = takeForTransfer(job.body);
      this.#pending.set(job.id, job);
      worker.postMessage({ t: 'call', id: job.id, body, request: job.request } satisfies ToWorker, [body]);
    } catch (e) {
      this.#pending.delete(job.id);
      job.settle({ ok: false, error: 'failed', reason: `could not hand the request to the processor thread: ${errorMessage(e)}` });
    }
  }

  #ping(): void {
    if (this.#state !== 'running') return;
    try {
      this.#worker?.postMessage({ t: 'ping', seq: ++this.#pingSeq } satisfies ToWorker);
    } catch {
      // The thread is going away; its exit event handles the rest.
    }
  }

  #failAll(error: 'failed' | 'unavailable', reason: string): void {
    const jobs = [...this.#backlog, ...this.#pending.values()];
    this.#backlog = [];
    this.#pending.clear();
    for (const job of jobs) job.settle({ ok: false, error, reason });
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    clearTimeout(this.#hangTimer);
    this.#hangTimer = undefined;
    this.#suspectSince = undefined;
  }
}
