// The runner of the built-in `onnx` processor. The session lives in a thread of its own, which
// parses, checks and runs inference requests; the main thread answers the GET endpoints
// (signature, V2 metadata, readiness) itself, so they stay quick while a model runs.
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../describe.js';
import { workerExecArgv } from '../js/exec-argv.js';
import { takeForTransfer } from '../js/transfer.js';
import { ProcessorStartError, type ProcessorJob, type ProcessorOutcome, type ProcessorRunner, type RunnerLogger } from '../runner.js';
import { sessionOptions } from './config.js';
import { modelMetadataDocument, serverMetadataDocument, signatureDocument, type BatchingSettings } from './documents.js';
import type { FromOnnxThread, OnnxThreadSetup, ToOnnxThread, WireOutcome } from './messages.js';
import type { ModelIO } from './model-io.js';
import { describeModelFile, type ModelFileInfo } from '../model-file.js';
import { binaryRefused, jsonBody, notFound, type EngineOutcome } from './responses.js';
import { routeOf } from './routes.js';

export interface OnnxRunnerOptions {
  /** The service name: `model_name` in V2 responses. */
  service: string;
  /** The .onnx file (a local path). */
  modelFile: string;
  /** The spec's model_config: absent, or an object of the options in config.ts. */
  modelConfig: unknown;
  logger: RunnerLogger;
  /** metadata.rpc.batching settings when batching is on; shown in the signature. */
  batching?: BatchingSettings;
  /** The model thread died after start (the instance can no longer serve). */
  onFatal?: (error: Error) => void;
}

/** idle → starting → running → closing → closed; starting → failed; running → failed (thread died). */
type State = 'idle' | 'starting' | 'running' | 'failed' | 'closing' | 'closed';

const THREAD_ENTRY = new URL('./worker-main.js', import.meta.url);
const JSON_HEADERS = 'application/json';
/** Marks a request of the V2 binary tensor data extension, which this processor does not speak. */
const BINARY_HEADER = 'inference-header-content-length';

function outcomeOf(wire: WireOutcome | EngineOutcome): ProcessorOutcome {
  if ('failed' in wire) return { ok: false, error: 'failed', reason: wire.failed };
  const body = typeof wire.body === 'string' ? Buffer.from(wire.body) : Buffer.from(wire.body);
  return { ok: true, status: wire.status, headers: { 'content-type': JSON_HEADERS }, body };
}

export class OnnxRunner implements ProcessorRunner {
  readonly #opts: OnnxRunnerOptions;
  #state: State = 'idle';
  #worker: Worker | undefined;
  #io: ModelIO | undefined;
  #file: ModelFileInfo | undefined;
  /** Jobs handed to the model thread, by id. An expired job is removed and its outcome dropped. */
  readonly #pending = new Map<number, ProcessorJob>();
  #ready: { resolve: (io: ModelIO) => void; reject: (e: Error) => void } | undefined;
  #onClosed: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(opts: OnnxRunnerOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`the onnx runner was already started (${this.#state})`);
    this.#state = 'starting';
    const { modelFile } = this.#opts;
    const config = sessionOptions(this.#opts.modelConfig);
    if (!config.ok) return this.#startFailed(ProcessorStartError.initialize(config.problems.join('; ')));
    const setup: OnnxThreadSetup = { modelFile, modelName: this.#opts.service, options: config.options };
    // Hashing reads the file while the thread loads it; a missing file fails either way, the hash's message is the clearer.
    const described = describeModelFile(modelFile).then(
      (file) => ({ ok: true as const, file }),
      (e: unknown) => ({ ok: false as const, reason: errorMessage(e) }),
    );
    const loaded = this.#spawn(setup).then(
      (io) => ({ ok: true as const, io }),
      (e: unknown) => ({ ok: false as const, reason: errorMessage(e) }),
    );
    const [file, io] = await Promise.all([described, loaded]);
    if (this.#state !== 'starting') throw ProcessorStartError.initialize('the onnx processor was closed before it finished starting');
    if (!file.ok) return this.#startFailed(ProcessorStartError.initialize(`model file ${modelFile}: ${file.reason}`));
    if (!io.ok) return this.#startFailed(ProcessorStartError.initialize(`model file ${modelFile}: ${io.reason}`));
    this.#file = file.file;
    this.#io = io.io;
    this.#state = 'running';
    this.#opts.logger.info({ model: modelFile, sha256: file.file.sha256, inputs: io.io.inputs.length, outputs: io.io.outputs.length }, 'onnx model loaded');
  }

  #startFailed(err: ProcessorStartError): never {
    this.#state = 'failed';
    void this.#terminate();
    throw err;
  }

  submit(job: ProcessorJob): void {
    const route = this.#accept(job);
    if (route === 'infer') this.#post([job]);
  }

  submitBatch(jobs: readonly ProcessorJob[]): void {
    const infer = jobs.filter((job) => this.#accept(job) === 'infer');
    if (infer.length > 0) this.#post(infer);
  }

  expire(job: ProcessorJob): void {
    // The model thread cannot be interrupted mid-run; its outcome for this job is dropped when it comes.
    this.#pending.delete(job.id);
  }

  live(): boolean {
    // A model run always ends; the thread dying is reported through onFatal instead.
    return true;
  }

  close(graceMs: number): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  /** Settles jobs that are not inference requests at once; returns 'infer' for those to hand to the thread. */
  #accept(job: ProcessorJob): 'infer' | undefined {
    if (this.#state !== 'running' || this.#io === undefined || this.#file === undefined) {
      job.settle({ ok: false, error: 'unavailable', reason: this.#state === 'failed' ? 'the onnx model thread stopped' : 'the onnx model is not loaded' });
      return undefined;
    }
    const { method, path, headers } = job.request;
    const route = routeOf(method, path);
    if (route === 'infer' && headers[BINARY_HEADER] !== undefined) {
      job.settle(outcomeOf(binaryRefused()));
      return undefined;
    }
    const service = this.#opts.service;
    switch (route) {
      case 'infer':
        return 'infer';
      case 'signature':
        job.settle(outcomeOf(jsonBody(200, signatureDocument(this.#io, this.#file, this.#opts.batching))));
        return undefined;
      case 'model-metadata':
        job.settle(outcomeOf(jsonBody(200, modelMetadataDocument(this.#io, service))));
        return undefined;
      case 'model-ready':
        job.settle(outcomeOf(jsonBody(200, { name: service, ready: true })));
        return undefined;
      case 'server-metadata':
        job.settle(outcomeOf(jsonBody(200, serverMetadataDocument())));
        return undefined;
      case 'server-live':
        job.settle(outcomeOf(jsonBody(200, { live: true })));
        return undefined;
      case 'server-ready':
        job.settle(outcomeOf(jsonBody(200, { ready: true })));
        return undefined;
      case undefined:
        job.settle(outcomeOf(notFound(method, path)));
        return undefined;
    }
  }

  #post(jobs: readonly ProcessorJob[]): void {
    const worker = this.#worker;
    if (worker === undefined) {
      for (const job of jobs) job.settle({ ok: false, error: 'unavailable', reason: 'the onnx model thread stopped' });
      return;
    }
    try {
      const bodies = jobs.map((job) => takeForTransfer(job.body));
      for (const job of jobs) this.#pending.set(job.id, job);
      worker.postMessage({ t: 'infer', ids: jobs.map((j) => j.id), bodies } satisfies ToOnnxThread, bodies);
    } catch (e) {
      for (const job of jobs) {
        this.#pending.delete(job.id);
        job.settle({ ok: false, error: 'failed', reason: `could not hand the request to the onnx model thread: ${errorMessage(e)}` });
      }
    }
  }

  #spawn(setup: OnnxThreadSetup): Promise<ModelIO> {
    return new Promise<ModelIO>((resolve, reject) => {
      this.#ready = { resolve, reject };
      let worker: Worker;
      try {
        worker = new Worker(THREAD_ENTRY, { workerData: setup, execArgv: workerExecArgv(process.execArgv) });
      } catch (e) {
        this.#ready = undefined;
        reject(new Error(`cannot start the onnx model thread: ${errorMessage(e)}`));
        return;
      }
      this.#worker = worker;
      worker.on('message', (msg: FromOnnxThread) => this.#onMessage(msg));
      worker.on('error', (e) => this.#opts.logger.error({ err: errorMessage(e) }, 'uncaught exception in the onnx model thread'));
      worker.on('exit', (code) => this.#onExit(worker, code));
    });
  }

  #onMessage(msg: FromOnnxThread): void {
    switch (msg.t) {
      case 'ready':
        this.#ready?.resolve(msg.io);
        this.#ready = undefined;
        return;
      case 'start-failed':
        this.#ready?.reject(new Error(msg.reason));
        this.#ready = undefined;
        return;
      case 'outcomes':
        msg.ids.forEach((id, k) => {
          const job = this.#pending.get(id);
          const wire = msg.outcomes[k];
          if (job === undefined || wire === undefined) return;
          this.#pending.delete(id);
          if ('failed' in wire) this.#opts.logger.error({ err: wire.failed, path: job.request.path }, 'onnx inference failed');
          job.settle(outcomeOf(wire));
        });
        return;
      case 'closed':
        if (msg.error !== undefined) this.#opts.logger.warn({ err: msg.error }, 'releasing the onnx session failed');
        this.#onClosed?.();
        return;
    }
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    const reason = `the onnx model thread exited with code ${code}`;
    this.#ready?.reject(new Error(reason));
    this.#ready = undefined;
    this.#onClosed?.();
    this.#failPending('failed', reason);
    if (this.#state === 'running') {
      this.#state = 'failed';
      this.#opts.logger.error({ code }, reason);
      this.#opts.onFatal?.(new Error(reason));
    }
  }

  async #close(graceMs: number): Promise<void> {
    const worker = this.#worker;
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    this.#ready?.reject(new Error('the onnx processor was closed before it finished starting'));
    this.#ready = undefined;
    if (worker !== undefined && wasRunning) {
      // Let the thread release the session (bounded by graceMs) before it is stopped.
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#onClosed = resolve;
        timer = setTimeout(() => {
          this.#opts.logger.warn({ graceMs }, 'the onnx session was not released within the grace period');
          resolve();
        }, graceMs);
        worker.postMessage({ t: 'close' } satisfies ToOnnxThread);
      });
      clearTimeout(timer);
      this.#onClosed = undefined;
    }
    this.#failPending('unavailable', 'the instance is shutting down');
    await this.#terminate();
    this.#state = 'closed';
  }

  #terminate(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return Promise.resolve();
    return worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  #failPending(error: 'failed' | 'unavailable', reason: string): void {
    const jobs = [...this.#pending.values()];
    this.#pending.clear();
    for (const job of jobs) job.settle({ ok: false, error, reason });
  }
}
