// Dynamic batching on the corpus ONNX models that have a dynamic batch axis (MLP, small CNN,
// compute-heavy convnet). For each model, in the same run:
// - the engine alone: onnxruntime in-process, one run of a batch of 32 against 32 single runs;
// - end to end: 64 concurrent connections (wrk) sending one sample each through the gateway to
//   the same model served with rpc.batching and without; throughput, p99, and the p99 bound the
//   issue sets (max_batch_timeout + 3 × one batch's compute), next to the echo processor under
//   the same load, which is what the HTTP path costs on its own.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { deploy, median, round, startStack } from './support.js';
import { haveWrk, wrkPost, type WrkResult } from './wrk.js';

const CORPUS = process.env.EASEL_CORPUS ?? resolve(PACKAGE_ROOT, '..', 'shared', 'corpus');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CLIENTS = 64;
const BATCH = 32;
const MAX_BATCH_TIMEOUT_MS = 5;

interface Case {
  name: string;
  file: string;
  input: string;
  /** One sample's shape without the batch axis. */
  sample: number[];
}

const CASES: Case[] = [
  { name: 'mlp', file: 'onnx/mlp_iris_dynamic_batch.onnx', input: 'input', sample: [4] },
  { name: 'cnn', file: 'onnx/cnn_digits_dynamic_batch.onnx', input: 'image', sample: [1, 28, 28] },
  { name: 'convnet', file: 'onnx/convnet_3x64x64_dynamic_batch.onnx', input: 'image', sample: [3, 64, 64] },
];

function sampleData(c: Case, seed: number): number[] {
  const n = c.sample.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed * 31 + i) * 1000) / 1000);
}

async function engineAlone(c: Case): Promise<{ batchMs: number; singleMs: number; speedup: number }> {
  const session = await ort.InferenceSession.create(join(CORPUS, c.file));
  const per = c.sample.reduce((a, b) => a * b, 1);
  const batch = new Float32Array(per * BATCH);
  for (let i = 0; i < BATCH; i++) batch.set(sampleData(c, i), i * per);
  const singles = Array.from({ length: BATCH }, (_, i) => new ort.Tensor('float32', batch.slice(i * per, (i + 1) * per), [1, ...c.sample]));
  const batched = new ort.Tensor('float32', batch, [BATCH, ...c.sample]);
  const batchTimes: number[] = [];
  const singleTimes: number[] = [];
  for (let round = 0; round < 7; round++) {
    let t = performance.now();
    await session.run({ [c.input]: batched });
    batchTimes.push(performance.now() - t);
    t = performance.now();
    for (const s of singles) await session.run({ [c.input]: s });
    singleTimes.push(performance.now() - t);
  }
  await session.release();
  const batchMs = median(batchTimes.slice(2));
  const singleMs = median(singleTimes.slice(2));
  return { batchMs, singleMs, speedup: singleMs / batchMs };
}

async function endToEnd(c: Case, engine: { batchMs: number }): Promise<Record<string, number | boolean>> {
  const stack = await startStack();
  try {
    const model = join(CORPUS, c.file);
    const batchedToken = await deploy(stack, { name: `${c.name}_batched`, processor: 'onnx', model_path: model, metadata: { rpc: { batching: true, max_batch_size: BATCH, max_batch_timeout: MAX_BATCH_TIMEOUT_MS } } });
    const plainToken = await deploy(stack, { name: `${c.name}_plain`, processor: 'onnx', model_path: model });
    const echoToken = await deploy(stack, { name: 'echo', processor: 'echo' });
    const body = JSON.stringify({ inputs: [{ name: c.input, shape: [1, ...c.sample], datatype: 'FP32', data: sampleData(c, 1) }] });
    const load = (name: string, token: string, seconds: number): Promise<WrkResult> =>
      wrkPost(`${stack.gatewayUrl}/api/predict/${name}`, body, { authorization: token, 'content-type': 'application/json' }, CLIENTS, seconds);
    await load(`${c.name}_batched`, batchedToken, 1);
    await load(`${c.name}_plain`, plainToken, 1);
    // Alternate the two, so that a noisy neighbour on the machine hits both alike.
    const batched: WrkResult[] = [];
    const plain: WrkResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      batched.push(await load(`${c.name}_batched`, batchedToken, SECONDS));
      plain.push(await load(`${c.name}_plain`, plainToken, SECONDS));
    }
    // The HTTP path alone at the same concurrency and body: what batching cannot take away.
    const echo = await load('echo', echoToken, SECONDS);
    const b = { rps: median(batched.map((x) => x.rps)), p99: median(batched.map((x) => x.p99Ms)) };
    const p = { rps: median(plain.map((x) => x.rps)), p99: median(plain.map((x) => x.p99Ms)) };
    const bound = MAX_BATCH_TIMEOUT_MS + 3 * engine.batchMs;
    return {
      batched_rps: Math.round(b.rps),
      plain_rps: Math.round(p.rps),
      throughput_ratio: round(b.rps / p.rps),
      batched_p99_ms: round(b.p99),
      plain_p99_ms: round(p.p99),
      p99_bound_ms: round(bound),
      p99_within_bound: b.p99 <= bound,
      echo_rps: Math.round(echo.rps),
      echo_p99_ms: round(echo.p99Ms),
      errors: [...batched, ...plain].reduce((n, x) => n + x.errors, 0),
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  if (!(await haveWrk())) throw new Error('bench:batching needs wrk as its load generator: apt-get install wrk');
  const result: Record<string, unknown> = { bench: 'batching', clients: CLIENTS, max_batch_size: BATCH, max_batch_timeout_ms: MAX_BATCH_TIMEOUT_MS, seconds: SECONDS };
  for (const c of CASES) {
    readFileSync(join(CORPUS, c.file)); // fails early, naming the file, when the corpus is missing
    const engine = await engineAlone(c);
    const e2e = await endToEnd(c, engine);
    result[c.name] = { engine_batch32_ms: round(engine.batchMs), engine_32_singles_ms: round(engine.singleMs), engine_speedup: round(engine.speedup, 2), ...e2e };
  }
  console.log(JSON.stringify(result));
}

await main();
