// The instance host: a lean node:http server in front of one processor. The main thread does
// HTTP, admission (concurrency, queue, rate limit), deadlines and health; the processor runs
// inline (echo) or in its own thread (custom JavaScript).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { EaselError, Errors } from '../contract/errors.js';
import type { InstanceConfig, InstanceStats } from '../contract/instance.js';
import { RESERVED_PATH_PREFIX } from '../contract/instance.js';
import { resolveSpec, type ServiceKind } from '../contract/resolve.js';
import { openProcessor, type ProcessorOutcome, type ProcessorRunner } from '../processors/index.js';
import { Admission } from './admission.js';
import { Batcher } from './batcher.js';
import { Call, type CallOwner } from './call.js';
import { clientErrorFor, rawErrorResponse } from './client-error.js';
import { Connections } from './connections.js';
import { serveHealth, type HealthView } from './health.js';
import { hostSettings, type HostSettings, type InstanceHostOptions } from './options.js';
import { cheapToDrain, readBody, type BodyOutcome } from './read-body.js';
import { requestInfo, splitTarget } from './request-info.js';
import { sendError, sendResult } from './respond.js';
import { StatsCounters } from './stats.js';
import { TokenBucket } from './token-bucket.js';
import { runWarmUp } from './warm-up.js';

export interface InstanceHost {
  listen(): Promise<{ host: string; port: number }>;
  /** Drain: ready → 503, stop accepting, finish queued + in-flight (up to graceMs), close. */
  close(graceMs?: number): Promise<void>;
  stats(): InstanceStats;
  /** Resolves once the processor is initialized; rejects with its start error if it never is. */
  ready(): Promise<void>;
}

/** starting → ready → draining → closed; starting|ready → failed (processor gone for good) → draining → closed. */
type HostState = 'starting' | 'ready' | 'failed' | 'draining' | 'closed';

class Host implements InstanceHost, CallOwner, HealthView {
  readonly #config: InstanceConfig;
  readonly #kind: ServiceKind;
  readonly #settings: HostSettings;
  readonly #opts: InstanceHostOptions;
  readonly #server: Server;
  readonly #admission: Admission<Call>;
  readonly #bucket: TokenBucket | undefined;
  readonly #batcher: Batcher<Call> | undefined;
  readonly #counters = new StatsCounters();
  #state: HostState = 'starting';
  #runner: ProcessorRunner | undefined;
  #failure: Error | undefined;
  #wasReady = false;
  #readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #nextId = 1;
  /** Calls not yet done: drain waits for this to reach zero. */
  #active = 0;
  #onIdle: (() => void) | undefined;
  #pumping = false;
  #address: { host: string; port: number } | undefined;
  readonly #connections: Connections;
  #closing: Promise<void> | undefined;

  constructor(config: InstanceConfig, kind: ServiceKind, settings: HostSettings, opts: InstanceHostOptions) {
    this.#config = config;
    this.#kind = kind;
    this.#settings = settings;
    this.#opts = opts;
    const batching = settings.batching;
    // With batching, up to a full batch per processor slot runs (or gathers) at once.
    this.#admission = new Admission(settings.workerThreads * (batching?.maxBatchSize ?? 1), settings.maxQueueSize);
    this.#batcher =
      batching === undefined
        ? undefined
        : new Batcher<Call>({ ...batching, maxInFlight: settings.workerThreads, dispatch: (calls) => this.#dispatchBatch(calls) });
    this.#bucket = settings.rateLimit === undefined ? undefined : new TokenBucket(settings.rateLimit, performance.now());
    this.#server = createServer(
      {
        noDelay: true,
        // The gateway accepts request heads up to 64 KiB and forwards them whole.
        maxHeaderSize: settings.maxHeaderBytes,
        // Nothing here depends on Host; a proxy that leaves it out must not get 400s.
        requireHostHeader: false,
        headersTimeout: settings.headersTimeoutMs,
        // Our own deadline answers slow bodies with 408 first; this only backs it up.
        requestTimeout: settings.headersTimeoutMs + settings.keepaliveMs,
      },
      (req, res) => this.#onRequest(req, res),
    );
    this.#server.keepAliveTimeout = settings.keepAliveTimeoutMs;
    this.#connections = new Connections(this.#server);
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.#onClientError(err, socket));
  }

  get draining(): boolean {
    return this.#state === 'draining' || this.#state === 'closed';
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async startProcessor(): Promise<void> {
    try {
      const runner = await openProcessor(this.#config, this.#kind, {
        hooks: {
          logger: this.#settings.logger,
          onRestart: () => this.#counters.processorRestarts++,
          onFatal: (e) => this.#fail(e),
        },
        timing: this.#opts.processorTiming,
        batching: this.#settings.batching,
      });
      this.#runner = runner;
      if (this.draining) {
        // The drain began while the module was being located; it found no runner to close.
        await runner.close(0);
        return;
      }
      await runner.start();
      const warmUp = this.#config.spec.warm_up_data_path;
      if (warmUp !== undefined && this.#state === 'starting') await runWarmUp(runner, warmUp, this.#settings.logger);
      if (this.#state !== 'starting') return;
      this.#state = 'ready';
      this.#wasReady = true;
      this.#settings.logger.info({}, 'processor ready');
      for (const w of this.#readyWaiters.splice(0)) w.resolve();
    } catch (e) {
      if (this.draining) return;
      this.#fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #fail(error: Error): void {
    if (this.#state !== 'starting' && this.#state !== 'ready') return;
    this.#state = 'failed';
    this.#failure = error;
    this.#settings.logger.error({ err: error.message }, 'the processor failed for good; the instance is not ready');
    for (const w of this.#readyWaiters.splice(0)) w.reject(error);
    this.#pump();
    this.#opts.onFatal?.(error);
  }

  ready(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.draining) return Promise.reject(new Error('the instance closed before its processor was ready'));
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.#address !== undefined) return Promise.resolve(this.#address);
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.#server.once('error', onError);
      this.#server.listen({ host: this.#settings.host, port: this.#settings.port }, () => {
        this.#server.off('error', onError);
        this.#server.on('error', (e) => this.#settings.logger.error({ err: e.message }, 'server error'));
        const addr = this.#server.address();
        this.#address = typeof addr === 'object' && addr !== null ? { host: addr.address, port: addr.port } : { host: this.#settings.host, port: this.#settings.port };
        resolve(this.#address);
      });
    });
  }

  close(graceMs: number = this.#settings.terminationGraceMs): Promise<void> {
    this.#closing ??= this.#drain(graceMs);
    return this.#closing;
  }

  async #drain(graceMs: number): Promise<void> {
    const deadline = performance.now() + graceMs;
    this.#state = 'draining';
    for (const w of this.#readyWaiters.splice(0)) w.reject(new Error('the instance closed before its processor was ready'));
    this.#settings.logger.info({ active: this.#active, graceMs }, 'draining');
    const serverClosed = new Promise<void>((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
    this.#connections.closeIdle();

    // Calls gathering for a batch go now rather than wait out the batch timeout.
    this.#batcher?.flushAll();
    const finished = await this.#waitIdle(graceMs);
    if (!finished) {
      this.#settings.logger.warn({ active: this.#active }, 'grace period over: dropping the requests still open');
      this.#connections.closeAll();
    }
    this.#connections.closeIdle();
    await this.#runner?.close(Math.max(deadline - performance.now(), 100));
    this.#batcher?.close();
    // Connections whose last response is still being flushed close on their own; the grace period bounds the wait.
    const flushed = await Promise.race([serverClosed.then(() => true), delay(Math.max(deadline - performance.now(), 100)).then(() => false)]);
    if (!flushed) this.#connections.closeAll();
    await serverClosed;
    this.#state = 'closed';
    this.#settings.logger.info({}, 'closed');
  }

  /** True when every call finished within graceMs. */
  #waitIdle(graceMs: number): Promise<boolean> {
    if (this.#active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onIdle = undefined;
        resolve(false);
      }, graceMs);
      this.#onIdle = () => {
        clearTimeout(timer);
        this.#onIdle = undefined;
        resolve(true);
      };
    });
  }

  // ---- health ----------------------------------------------------------------------------

  notReady(): EaselError | undefined {
    switch (this.#state) {
      case 'ready':
        return undefined;
      case 'starting':
        return new EaselError(Errors.ProcessorNotReady, { reason: 'it is still initializing' });
      case 'failed':
        return new EaselError(Errors.ProcessorNotReady, { reason: this.#failure?.message ?? 'it failed' });
      default:
        return new EaselError(Errors.InstanceDraining);
    }
  }

  notLive(): EaselError | undefined {
    if (this.#runner === undefined || this.#runner.live()) return undefined;
    const seconds = Math.round((this.#opts.processorTiming?.livenessTimeoutMs ?? 10_000) / 1000);
    return new EaselError(Errors.ProcessorHung, { seconds });
  }

  stats(): InstanceStats {
    const state = this.#state === 'closed' ? 'draining' : this.#state;
    return this.#counters.snapshot(state, this.#admission.running, this.#admission.queued, this.#batcher !== undefined);
  }

  // ---- requests --------------------------------------------------------------------------

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitTarget(req.url ?? '/');
    if (path.startsWith(RESERVED_PATH_PREFIX)) {
      serveHealth(this, req, res, path);
      return;
    }
    const close = this.draining;
    const refusal = this.#refusal(req);
    if (refusal !== undefined) {
      if (refusal.code === Errors.QueueFull.code) this.#counters.rejectedQueueFull++;
      sendError(res, refusal, close || !cheapToDrain(req));
      return;
    }
    const call = new Call(this, this.#nextId++, res, requestInfo(req.method ?? 'GET', path, query, req.headers));
    this.#active++;
    call.deadline = setTimeout(this.#onDeadline, this.#settings.keepaliveMs, call);
    res.once('close', () => this.#onResponseClosed(call));
    readBody(req, this.#settings.maxBodyBytes, (outcome) => this.#onBody(call, outcome));
  }

  /** Why a request is turned away before its body is read, if it is. */
  #refusal(req: IncomingMessage): EaselError | undefined {
    if (this.#state === 'starting') return new EaselError(Errors.ProcessorNotReady, { reason: 'it is still initializing' });
    if (this.draining && !this.#wasReady) return new EaselError(Errors.InstanceDraining);
    if (this.#state === 'failed') return new EaselError(Errors.ProcessorNotReady, { reason: this.#failure?.message ?? 'it failed' });
    if (this.#bucket !== undefined && !this.#bucket.take(performance.now())) {
      return new EaselError(Errors.InstanceRateLimited, { limit: this.#settings.rateLimit ?? 0 });
    }
    if (this.#admission.full) return new EaselError(Errors.QueueFull, { size: this.#settings.maxQueueSize });
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > this.#settings.maxBodyBytes) return new EaselError(Errors.BodyTooLarge, { limit: this.#settings.maxBodyBytes });
    return undefined;
  }

  #onBody(call: Call, outcome: BodyOutcome): void {
    if (call.state !== 'reading') return;
    if (!outcome.ok) {
      if (outcome.reason === 'too-large') this.#reject(call, new EaselError(Errors.BodyTooLarge, { limit: this.#settings.maxBodyBytes }), true);
      else this.#done(call);
      return;
    }
    call.body = outcome.body;
    const admitted = this.#admission.admit(call);
    if (admitted === 'run') this.#run(call);
    else if (admitted === 'queued') call.state = 'queued';
    else {
      this.#counters.rejectedQueueFull++;
      this.#reject(call, new EaselError(Errors.QueueFull, { size: this.#settings.maxQueueSize }), false);
    }
  }

  #run(call: Call): void {
    call.state = 'running';
    call.holdsSlot = true;
    if (this.#state === 'failed') {
      this.onSettled(call, { ok: false, error: 'unavailable', reason: this.#failure?.message ?? 'it failed' });
      return;
    }
    // The runner exists whenever the state is ready or draining after ready.
    const runner = this.#runner;
    if (runner === undefined) this.onSettled(call, { ok: false, error: 'unavailable', reason: 'it is not loaded' });
    else if (this.#batcher !== undefined) this.#batcher.add(call);
    else runner.submit(call);
  }

  #dispatchBatch(calls: Call[]): void {
    const batch = { remaining: calls.length };
    for (const call of calls) call.batch = batch;
    this.#counters.recordBatch(calls.length);
    const runner = this.#runner;
    if (runner === undefined || this.#state === 'failed') {
      for (const call of calls) this.onSettled(call, { ok: false, error: 'unavailable', reason: this.#failure?.message ?? 'it is not loaded' });
    } else if (runner.submitBatch !== undefined) {
      runner.submitBatch(calls);
    } else {
      for (const call of calls) runner.submit(call);
    }
  }

  /** The call no longer occupies its batch; the last one out frees the batch's slot. */
  #leaveBatch(call: Call): void {
    const batch = call.batch;
    if (batch === undefined) return;
    call.batch = undefined;
    if (--batch.remaining === 0) this.#batcher?.batchDone();
  }

  /** Moves queued calls into free slots. A loop, not recursion: an inline processor settles within submit(). */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let next = this.#admission.next(); next !== undefined; next = this.#admission.next()) this.#run(next);
    } finally {
      this.#pumping = false;
    }
  }

  #releaseSlot(call: Call): void {
    if (!call.holdsSlot) return;
    call.holdsSlot = false;
    this.#admission.release();
    this.#pump();
  }

  onSettled(call: Call, outcome: ProcessorOutcome): void {
    if (call.state !== 'running') return;
    this.#leaveBatch(call);
    this.#releaseSlot(call);
    if (call.clientGone) {
      this.#done(call);
      return;
    }
    if (outcome.ok) {
      try {
        sendResult(call.res, outcome.status, outcome.headers, outcome.body, this.draining);
        this.#counters.completed++;
      } catch (e) {
        this.#counters.failed++;
        const reason = `invalid processor result: ${e instanceof Error ? e.message : String(e)}`;
        sendError(call.res, new EaselError(Errors.ProcessorFailed, { reason }), this.draining);
      }
    } else {
      this.#counters.failed++;
      const def = outcome.error === 'failed' ? Errors.ProcessorFailed : Errors.ProcessorNotReady;
      sendError(call.res, new EaselError(def, { reason: outcome.reason }), this.draining);
    }
    this.#done(call);
  }

  readonly #onDeadline = (call: Call): void => {
    call.deadline = undefined;
    switch (call.state) {
      case 'reading':
        break;
      case 'queued':
        this.#admission.withdraw(call);
        break;
      case 'running':
        if (this.#batcher?.remove(call) !== true) this.#runner?.expire(call);
        this.#leaveBatch(call);
        this.#releaseSlot(call);
        break;
      case 'done':
        return;
    }
    if (call.clientGone) {
      this.#done(call);
      return;
    }
    this.#counters.timedOut++;
    this.#settings.logger.debug({ id: call.id, path: call.request.path, state: call.state }, 'deadline exceeded');
    // A body still arriving is not worth draining: close the connection behind the 408.
    this.#reject(call, new EaselError(Errors.DeadlineExceeded, { keepalive: this.#settings.keepaliveMs }), call.state === 'reading');
  };

  #onResponseClosed(call: Call): void {
    if (call.state === 'done' || call.res.writableFinished) return;
    call.clientGone = true;
    if (call.state === 'queued') this.#admission.withdraw(call);
    if (call.state === 'running' && this.#batcher?.remove(call) === true) {
      // Still gathering for a batch: the processor never saw it.
      this.#releaseSlot(call);
      this.#done(call);
      return;
    }
    // A running call keeps its slot until the processor answers or the deadline passes, so
    // clients that hang up cannot push more work into a busy processor than worker_threads.
    if (call.state !== 'running') this.#done(call);
  }

  #reject(call: Call, err: EaselError, closeConnection: boolean): void {
    sendError(call.res, err, closeConnection || this.draining);
    this.#done(call);
  }

  #done(call: Call): void {
    if (call.state === 'done') return;
    if (call.inQueue) this.#admission.withdraw(call);
    this.#leaveBatch(call);
    call.state = 'done';
    clearTimeout(call.deadline);
    call.deadline = undefined;
    call.body = EMPTY;
    this.#active--;
    if (this.#active === 0) this.#onIdle?.();
  }

  #onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const current = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || current?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(rawErrorResponse(clientErrorFor(err, this.#settings)));
  }
}

const EMPTY = Buffer.alloc(0);

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Creates the host for an instance. Returns at once: the processor loads and initializes in the
 * background, and `/__easel/ready` turns 200 when it is done.
 */
export function createInstanceHost(config: InstanceConfig, opts: InstanceHostOptions = {}): Promise<InstanceHost> {
  const resolved = resolveSpec(config.spec);
  const host = new Host(config, resolved.kind, hostSettings(config, resolved, opts), opts);
  void host.startProcessor();
  return Promise.resolve(host);
}
