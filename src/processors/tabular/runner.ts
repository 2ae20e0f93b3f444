// Serves a tree or PMML model: parses requests into rows, scores them (several requests'
// rows in one call when the host batches), and splits the results back per request. Scoring
// runs inline on the main thread: these evaluators take microseconds per row.
import { EaselError, Errors } from '../../contract/errors.js';
import { errorMessage, errorStack } from '../describe.js';
import { readModelFile, type ModelFileInfo } from '../model-file.js';
import { ProcessorStartError, type ProcessorJob, type ProcessorOutcome, type ProcessorRunner, type RunnerLogger } from '../runner.js';
import { RowError, type RawValue, type TabularModel } from './model.js';
import { parseRows, type ParsedRows } from './request.js';

export type TabularLoader = (bytes: Uint8Array, file: string) => TabularModel;

export interface TabularRunnerOptions {
  processor: string;
  modelFile: string;
  load: TabularLoader;
  logger: RunnerLogger;
  /** Shown in the signature. */
  batching: { maxBatchSize: number; maxBatchTimeoutMs: number } | undefined;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

function jsonOutcome(status: number, value: unknown): ProcessorOutcome {
  return { ok: true, status, headers: { ...JSON_TYPE }, body: Buffer.from(JSON.stringify(value)) };
}

function errorOutcome(err: EaselError): ProcessorOutcome {
  return jsonOutcome(err.status, err.toBody());
}

interface Scored {
  job: ProcessorJob;
  parsed: ParsedRows;
}

export class TabularRunner implements ProcessorRunner {
  readonly #opts: TabularRunnerOptions;
  #model: TabularModel | undefined;
  #file: ModelFileInfo | undefined;
  #signature: Buffer | undefined;
  #closed = false;

  constructor(opts: TabularRunnerOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {
    const { info, content } = await readModelFile(this.#opts.modelFile);
    try {
      this.#model = this.#opts.load(content, info.file);
    } catch (e) {
      // Loaders name the file themselves (ModelLoadError); anything else gets it added.
      const message = errorMessage(e);
      throw ProcessorStartError.initialize(message.includes(info.file) ? message : `model file ${info.file}: ${message}`);
    }
    this.#file = info;
    this.#signature = Buffer.from(JSON.stringify(this.signature()));
    this.#opts.logger.info({ ...info, inputs: this.#model.inputs.length, ...this.#model.details }, 'model loaded');
  }

  /** What GET / answers: how to call the model. */
  signature(): object {
    const model = this.#model;
    const file = this.#file;
    if (model === undefined || file === undefined) return {};
    return {
      processor: this.#opts.processor,
      model: { file: file.file, sha256: file.sha256, ...model.details },
      inputs: model.inputs,
      outputs: model.outputs,
      request: {
        'application/json': ['[{"<feature>": value, ...}, ...]', '{"<feature>": value, ...}', '{"instances": [[value, ...], ...]}'],
        'text/csv': 'a header row of feature names, then one row per line; an empty cell is missing',
      },
      ...(this.#opts.batching === undefined ? {} : { batching: this.#opts.batching }),
    };
  }

  submit(job: ProcessorJob): void {
    this.submitBatch([job]);
  }

  submitBatch(jobs: readonly ProcessorJob[]): void {
    const model = this.#model;
    if (this.#closed || model === undefined) {
      for (const job of jobs) job.settle({ ok: false, error: 'unavailable', reason: this.#closed ? 'the instance is shutting down' : 'the model is not loaded' });
      return;
    }
    let work: Scored[] = [];
    for (const job of jobs) {
      const { method, path } = job.request;
      if (method === 'GET' || method === 'HEAD') {
        if (path === '/' || path === '') job.settle({ ok: true, status: 200, headers: { ...JSON_TYPE }, body: this.#signature ?? Buffer.from('{}') });
        else job.settle(errorOutcome(new EaselError(Errors.RouteNotFound, { method, url: path })));
        continue;
      }
      if (method !== 'POST' && method !== 'PUT') {
        job.settle(errorOutcome(new EaselError(Errors.RouteNotFound, { method, url: path })));
        continue;
      }
      const parsed = parseRows(job.body, job.request.headers['content-type'], model.inputs);
      if (!parsed.ok) job.settle(errorOutcome(new EaselError(Errors.BadInput, { reason: parsed.reason })));
      else work.push({ job, parsed });
    }
    // A bad row fails its own request; the rest are scored again without it.
    while (work.length > 0) {
      const rows: (readonly RawValue[])[] = [];
      for (const w of work) for (const r of w.parsed.rows) rows.push(r);
      try {
        const results = model.predict(rows);
        let at = 0;
        for (const w of work) {
          const n = w.parsed.rows.length;
          w.job.settle(jsonOutcome(200, results.slice(at, at + n)));
          at += n;
        }
        return;
      } catch (e) {
        if (!(e instanceof RowError)) {
          this.#opts.logger.error({ err: errorMessage(e), stack: errorStack(e) }, 'the model failed while scoring');
          for (const w of work) w.job.settle({ ok: false, error: 'failed', reason: `scoring failed: ${errorMessage(e)}` });
          return;
        }
        work = this.#failRow(work, e);
      }
    }
  }

  /** Answers the request holding the bad row with 400, and returns the others. */
  #failRow(work: Scored[], e: RowError): Scored[] {
    let at = 0;
    for (let i = 0; i < work.length; i++) {
      const w = work[i] as Scored;
      const n = w.parsed.rows.length;
      if (e.row < at + n) {
        const reason = `${w.parsed.rowLabel(e.row - at)}, field "${e.field}": expected ${e.expected}, got ${e.got}`;
        w.job.settle(errorOutcome(new EaselError(Errors.BadInput, { reason }, { row: e.row - at, field: e.field, expected: e.expected })));
        return work.filter((_, j) => j !== i);
      }
      at += n;
    }
    // A row index past the end is the evaluator's fault: fail them all rather than loop.
    for (const w of work) w.job.settle({ ok: false, error: 'failed', reason: `scoring failed: ${e.message}` });
    return [];
  }

  expire(): void {
    // Scoring is synchronous: nothing is outstanding between calls.
  }

  live(): boolean {
    return true;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#model = undefined;
    return Promise.resolve();
  }
}
