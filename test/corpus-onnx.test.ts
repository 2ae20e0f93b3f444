// The onnx processor against the ONNX corpus: each MANIFEST.tsv case is sent through the runner
// as a V2 request built from its .io.json and the outputs compared with those onnxruntime or
// torch computed; the case meant to fail must fail to load with onnxruntime's reason. Then
// merged (submitBatch) requests must answer exactly as the same requests one by one, and the
// figures of batching are measured and printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createOnnxRunner } from '../src/processors/onnx/index.js';
import { ProcessorStartError, type ProcessorJob, type ProcessorOutcome, type ProcessorRunner, type RunnerLogger } from '../src/processors/index.js';
import { close, corpusRoot, NO_CORPUS, printSummary, readManifest, type CorpusTally } from './helpers/corpus.js';

interface IoTensor {
  dtype: string;
  shape: number[];
  data: (number | string)[];
}

interface IoCase {
  inputs: Record<string, IoTensor>;
  outputs: Record<string, IoTensor>;
}

interface V2Output {
  name: string;
  shape: number[];
  datatype: string;
  data: (number | string)[];
}

const V2_OF: Record<string, string> = { float32: 'FP32', float64: 'FP64', int64: 'INT64', int32: 'INT32', bool: 'BOOL' };
const root = corpusRoot();
const quiet: RunnerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let nextId = 1;

function submitOne(runner: ProcessorRunner, body: string, path = '/'): Promise<ProcessorOutcome> {
  return new Promise((resolve) => runner.submit(jobOf(body, path, resolve)));
}

function jobOf(body: string, path: string, settle: (o: ProcessorOutcome) => void): ProcessorJob {
  return { id: nextId++, body: Buffer.from(body), request: { method: 'POST', path, query: '', headers: { 'content-type': 'application/json' } }, settle };
}

function submitBatch(runner: ProcessorRunner, bodies: readonly string[]): Promise<ProcessorOutcome[]> {
  return new Promise((resolve) => {
    const outcomes = new Array<ProcessorOutcome>(bodies.length);
    let left = bodies.length;
    const jobs = bodies.map((body, k) =>
      jobOf(body, '/', (o) => {
        outcomes[k] = o;
        if (--left === 0) resolve(outcomes);
      }),
    );
    runner.submitBatch?.(jobs);
  });
}

function bodyText(o: ProcessorOutcome): string {
  assert.ok(o.ok, `expected a response, got ${JSON.stringify(o)}`);
  return o.body.toString();
}

/** The .io.json inputs as a V2 request, `rows` of axis 0 from `start` when given. */
function v2Request(io: IoCase, slice?: { start: number; rows: number }): string {
  const inputs = Object.entries(io.inputs).map(([name, t]) => {
    let { shape, data } = t;
    if (slice !== undefined) {
      const rowSize = data.length / (shape[0] ?? 1);
      data = data.slice(slice.start * rowSize, (slice.start + slice.rows) * rowSize);
      shape = [slice.rows, ...shape.slice(1)];
    }
    return { name, shape, datatype: V2_OF[t.dtype] ?? t.dtype, data };
  });
  return JSON.stringify({ inputs, outputs: Object.keys(io.outputs).map((name) => ({ name })) });
}

/** The first mismatch between the response and the expected outputs, or undefined. */
function mismatch(response: { outputs: V2Output[] }, expected: IoCase, tolerance: number): string | undefined {
  for (const [name, want] of Object.entries(expected.outputs)) {
    const got = response.outputs.find((o) => o.name === name);
    if (got === undefined) return `output ${name} missing`;
    if (got.datatype !== V2_OF[want.dtype]) return `output ${name}: datatype ${got.datatype}, expected ${want.dtype}`;
    if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `output ${name}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
    for (let i = 0; i < want.data.length; i++) {
      const a = Number(got.data[i]);
      const b = Number(want.data[i]);
      const ok = want.dtype.startsWith('float') ? close(a, b, tolerance) : a === b;
      if (!ok) return `output ${name}[${i}]: ${String(got.data[i])}, expected ${String(want.data[i])}`;
    }
  }
  return undefined;
}

/** "<=1e-6 rel (…)", "~1e-6" → 1e-6. */
function toleranceOf(cell: string): number {
  const m = /(\d(?:\.\d+)?e-\d+)/.exec(cell);
  return m === null ? 1e-6 : Number(m[1]);
}

function caseType(modelFile: string): string {
  const backend = /onnx-backend-tests\/([^/]+)\//.exec(modelFile);
  if (backend !== null) return `backend ${backend[1] ?? ''}`;
  if (modelFile.includes('mlp')) return 'MLP (dynamic batch)';
  if (modelFile.includes('cnn')) return 'CNN (dynamic batch)';
  return 'convnet (dynamic batch)';
}

function readIo(file: string): IoCase {
  return JSON.parse(readFileSync(file, 'utf8')) as IoCase;
}

void describe('onnx corpus', { skip: root === undefined ? NO_CORPUS : false }, () => {
  const corpus = root ?? '';
  const rows = root === undefined ? [] : readManifest(corpus, 'onnx');
  const runners = new Map<string, ProcessorRunner>();

  async function runnerFor(modelFile: string): Promise<ProcessorRunner> {
    const known = runners.get(modelFile);
    if (known !== undefined) return known;
    const runner = await createOnnxRunner({ service: 'corpus', modelFile, modelConfig: undefined, logger: quiet });
    await runner.start();
    runners.set(modelFile, runner);
    return runner;
  }

  after(async () => {
    for (const runner of runners.values()) await runner.close(1000);
  });

  void it('answers every case meant to load as the reference engine did', async () => {
    const tallies = new Map<string, CorpusTally>();
    const failures: string[] = [];
    for (const row of rows) {
      const modelFile = join(corpus, row['model_file'] ?? '');
      if (modelFile.includes('expected-load-failure')) continue;
      const type = caseType(modelFile);
      const tally = tallies.get(type) ?? { type, passed: 0, total: 0 };
      tallies.set(type, tally);
      tally.total++;
      const io = readIo(join(corpus, row['input'] ?? ''));
      try {
        const runner = await runnerFor(modelFile);
        const outcome = await submitOne(runner, v2Request(io), '/v2/models/corpus/infer');
        const problem = mismatch(JSON.parse(bodyText(outcome)) as { outputs: V2Output[] }, io, toleranceOf(row['tolerance'] ?? ''));
        if (problem === undefined) tally.passed++;
        else failures.push(`${row['input'] ?? ''}: ${problem}`);
      } catch (e) {
        failures.push(`${row['input'] ?? ''}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    printSummary('ONNX corpus: cases answered like the reference', 'cases', [...tallies.values()]);
    assert.deepEqual(failures, []);
    assert.ok(tallies.size > 0);
  });

  void it('fails to load the case meant to fail, naming the file and onnxruntime\'s reason', async () => {
    const failing = rows.filter((r) => (r['model_file'] ?? '').includes('expected-load-failure'));
    assert.equal(failing.length, 1);
    for (const row of failing) {
      const modelFile = join(corpus, row['model_file'] ?? '');
      const runner = await createOnnxRunner({ service: 'corpus', modelFile, modelConfig: undefined, logger: quiet });
      await assert.rejects(runner.start(), (e: unknown) => {
        assert.ok(e instanceof ProcessorStartError);
        assert.equal(e.message, `processor initialize failed: model file ${modelFile}: Could not find an implementation for Gemm(6) node with name ''`);
        return true;
      });
    }
  });

  for (const model of ['mlp_iris_dynamic_batch', 'cnn_digits_dynamic_batch']) {
    void it(`${model}: merged requests answer bit for bit as each alone, a bad one fails alone`, async () => {
      const io = readIo(join(corpus, 'onnx', `${model}.io.json`));
      const runner = await runnerFor(join(corpus, 'onnx', `${model}.onnx`));
      const total = Object.values(io.inputs)[0]?.shape[0] ?? 0;
      // Mixed batch sizes covering every row: 1, 2, 1, … then the rest.
      const slices: { start: number; rows: number }[] = [];
      for (let start = 0, k = 0; start < total; k++) {
        const rows = Math.min([1, 2, 1, 3, 8][k % 5] ?? 1, total - start);
        slices.push({ start, rows });
        start += rows;
      }
      const bodies = slices.map((s) => v2Request(io, s));
      const bad = JSON.stringify({ inputs: [{ name: Object.keys(io.inputs)[0], shape: [1], datatype: 'FP32', data: [1] }] });
      bodies.splice(1, 0, bad);
      const merged = await submitBatch(runner, bodies);
      const alone: ProcessorOutcome[] = [];
      for (const body of bodies) alone.push(await submitOne(runner, body));
      assert.equal(merged.length, alone.length);
      merged.forEach((m, k) => assert.equal(bodyText(m), bodyText(alone[k] ?? m), `request ${k}`));
      const refused = merged[1];
      assert.ok(refused?.ok === true && refused.status === 400);
      assert.equal((JSON.parse(refused.body.toString()) as { code: string }).code, 'EASEL_BAD_INPUT');
      // The merged outputs, put back together, are the reference outputs.
      const joined = merged.filter((_, k) => k !== 1).flatMap((m) => (JSON.parse(bodyText(m)) as { outputs: V2Output[] }).outputs);
      for (const [name, want] of Object.entries(io.outputs)) {
        const data = joined.filter((o) => o.name === name).flatMap((o) => o.data);
        assert.equal(mismatch({ outputs: [{ name, shape: want.shape, datatype: V2_OF[want.dtype] ?? '', data }] }, { inputs: {}, outputs: { [name]: want } }, 1e-6), undefined);
      }
    });
  }
});

void describe('onnx batching figures', { skip: root === undefined ? NO_CORPUS : false }, () => {
  const corpus = root ?? '';
  const models = [
    { name: 'MLP', file: 'mlp_iris_dynamic_batch' },
    { name: 'CNN', file: 'cnn_digits_dynamic_batch' },
    { name: 'convnet', file: 'convnet_3x64x64_dynamic_batch' },
  ];
  const BATCH = 32;
  const lines: string[] = [];
  const rate = (perSecond: number): string => `${Math.round(perSecond).toString().padStart(8)} rows/s`;

  /** Rows per second of `round` (which handles BATCH rows), repeated for at least 150 ms and twice. */
  async function rowsPerSecond(round: () => Promise<void>): Promise<number> {
    const start = performance.now();
    let rounds = 0;
    while (rounds < 2 || performance.now() - start < 150) {
      await round();
      rounds++;
    }
    return (rounds * BATCH) / ((performance.now() - start) / 1000);
  }

  before(() =>
    lines.push(
      `${BATCH} rows as one session.run vs ${BATCH} runs of one row; through the runner, ${BATCH} one-row requests merged by submitBatch vs submitted apart (onnxruntime ${ort.env.versions.common}, threads: its default)`,
    ),
  );
  after(() => console.log(lines.join('\n')));

  for (const model of models) {
    void it(`measures ${model.name}`, async () => {
      const io = readIo(join(corpus, 'onnx', `${model.file}.io.json`));
      const [name, input] = Object.entries(io.inputs)[0] ?? [];
      assert.ok(name !== undefined && input !== undefined);
      const rowShape = input.shape.slice(1);
      const rowSize = rowShape.reduce((a, b) => a * b, 1);
      const have = input.shape[0] ?? 1;
      const rows = Array.from({ length: BATCH }, (_, r) => (input.data as number[]).slice((r % have) * rowSize, ((r % have) + 1) * rowSize));
      const session = await ort.InferenceSession.create(join(corpus, 'onnx', `${model.file}.onnx`), { graphOptimizationLevel: 'all', logSeverityLevel: 4 });
      try {
        const batch = { [name]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [BATCH, ...rowShape]) };
        const singles = rows.map((r) => ({ [name]: new ort.Tensor('float32', Float32Array.from(r), [1, ...rowShape]) }));
        await session.run(batch);
        for (const feeds of singles) await session.run(feeds);
        const batched = await rowsPerSecond(async () => {
          await session.run(batch);
        });
        const single = await rowsPerSecond(async () => {
          for (const feeds of singles) await session.run(feeds);
        });
        lines.push(`  ${model.name.padEnd(8)} session.run: batch ${rate(batched)}   single ${rate(single)}   ×${(batched / single).toFixed(1)}`);
      } finally {
        await session.release();
      }
      // The same through the runner: V2 JSON in and out, the model thread, and submitBatch merging.
      const runner = await createOnnxRunner({ service: 'bench', modelFile: join(corpus, 'onnx', `${model.file}.onnx`), modelConfig: undefined, logger: quiet });
      await runner.start();
      try {
        const bodies = rows.map((r) => JSON.stringify({ inputs: [{ name, shape: [1, ...rowShape], datatype: 'FP32', data: r }] }));
        await submitBatch(runner, bodies);
        await Promise.all(bodies.map((b) => submitOne(runner, b)));
        const merged = await rowsPerSecond(async () => {
          await submitBatch(runner, bodies);
        });
        const apart = await rowsPerSecond(async () => {
          await Promise.all(bodies.map((b) => submitOne(runner, b)));
        });
        lines.push(`  ${model.name.padEnd(8)} runner:      merged ${rate(merged)}   apart  ${rate(apart)}   ×${(merged / apart).toFixed(1)}`);
      } finally {
        await runner.close(1000);
      }
    });
  }
});
