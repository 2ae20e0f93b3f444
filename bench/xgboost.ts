// XGBoost: easel's evaluator against XGBoost's own C++ predictor on the same model and the
// same 10,000 rows, in the same run. The model is trained here by Debian's python3-xgboost
// (100 trees, depth 6, 20 features, binary:logistic, with missing values); Python times
// `inplace_predict` with nthread=1, we time `predict()` on the rows as JSON-parsed values.
// Then single-row request latency through the gateway, against the echo processor's as the
// floor of the HTTP path.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadXgboostModel } from '../src/processors/xgboost/index.js';
import type { RawValue } from '../src/processors/tabular/model.js';
import { deploy, median, percentile, round, startStack } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROWS = 10_000;
const LATENCY_REQUESTS = Number(process.env.REQUESTS ?? 2000);

const PYTHON_SCRIPT = String.raw`
import json, sys, time
import numpy as np
import xgboost as xgb
out, rounds = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(1)
n, f = 10000, 20
X = rng.normal(size=(n, f)).astype(np.float32)
X[rng.uniform(size=(n, f)) < 0.05] = np.nan
y = ((np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * np.nan_to_num(X[:, 2]) + rng.normal(scale=0.5, size=n)) > 0).astype(np.float32)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "nthread": 1, "seed": 1}, xgb.DMatrix(X, label=y), num_boost_round=100)
booster.save_model(out + "/model.json")
with open(out + "/rows.json", "w") as fh:
    json.dump([[None if np.isnan(v) else float(v) for v in row] for row in X], fh)
booster.set_param({"nthread": 1})
pred = booster.inplace_predict(X)
times = []
for _ in range(rounds):
    t = time.perf_counter()
    booster.inplace_predict(X)
    times.append(time.perf_counter() - t)
times.sort()
json.dump({"version": xgb.__version__, "seconds": times[len(times) // 2], "pred": [float(p) for p in pred]}, open(out + "/python.json", "w"))
`;

function python(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import xgboost'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('XGBoost for Python is needed as the reference: apt-get install python3-xgboost');
}

async function gatewayLatency(dir: string): Promise<Record<string, number>> {
  const stack = await startStack();
  try {
    const model = join(stack.home, 'bench-model.json');
    writeFileSync(model, readFileSync(join(dir, 'model.json')));
    const xgbToken = await deploy(stack, { name: 'xgb', processor: 'xgboost', model_path: model });
    const echoToken = await deploy(stack, { name: 'echo', processor: 'echo' });
    const row = JSON.stringify([Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, (i % 7) / 3 - 1]))]);
    const measure = async (name: string, token: string): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = 0; i < LATENCY_REQUESTS; i++) {
        const t = performance.now();
        const res = await request(`${stack.gatewayUrl}/api/predict/${name}`, { method: 'POST', body: row, headers: { authorization: token, 'content-type': 'application/json' } });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode}`);
        lat.push(performance.now() - t);
      }
      return lat.sort((a, b) => a - b);
    };
    await measure('xgb', xgbToken);
    await measure('echo', echoToken);
    const xgb = await measure('xgb', xgbToken);
    const echo = await measure('echo', echoToken);
    return {
      single_row_p50_ms: round(percentile(xgb, 50)),
      single_row_p99_ms: round(percentile(xgb, 99)),
      echo_p50_ms: round(percentile(echo, 50)),
      echo_p99_ms: round(percentile(echo, 99)),
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'easel-bench-xgb-'));
  try {
    execFileSync(python(), ['-c', PYTHON_SCRIPT, dir, String(ROUNDS)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const py = JSON.parse(readFileSync(join(dir, 'python.json'), 'utf8')) as { version: string; seconds: number; pred: number[] };
    const rows = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as RawValue[][];
    const model = loadXgboostModel(readFileSync(join(dir, 'model.json')), join(dir, 'model.json'));
    let maxDiff = 0;
    const first = model.predict(rows) as { value: number }[];
    first.forEach((r, i) => (maxDiff = Math.max(maxDiff, Math.abs(r.value - (py.pred[i] ?? NaN)))));
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      model.predict(rows);
      times.push((performance.now() - t) / 1000);
    }
    const easelRowsPerS = ROWS / median(times);
    const xgbRowsPerS = ROWS / py.seconds;
    const latency = await gatewayLatency(dir);
    console.log(
      JSON.stringify({
        bench: 'xgboost',
        rows: ROWS,
        trees: 100,
        depth: 6,
        xgboost_version: py.version,
        easel_rows_per_s: Math.round(easelRowsPerS),
        xgboost_inplace_predict_rows_per_s: Math.round(xgbRowsPerS),
        ratio: round(easelRowsPerS / xgbRowsPerS),
        max_abs_diff: maxDiff,
        ...latency,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
