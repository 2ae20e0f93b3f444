// The built-in model processors end to end: deployed through the CLI, scored through the
// gateway, with their signatures, bad input, http model sources, warm-up and batching.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { cleanup, startEasel, type EaselProcess } from './helpers/easel-process.js';
import { call } from './helpers/http.js';
import { NO_CORPUS, corpusRoot, readCsv } from './helpers/corpus.js';

let easel: EaselProcess;
let models: Server;
let modelsUrl = '';
const riskModel = readFileSync(join(PACKAGE_ROOT, 'examples', 'risk', 'model.json'));

before(async () => {
  easel = await startEasel();
  models = createServer((req, res) => {
    if (req.url === '/risk.json') {
      res.writeHead(200, { 'content-length': riskModel.byteLength });
      res.end(riskModel);
    } else if (req.url === '/truncated.json') {
      res.writeHead(200, { 'content-length': riskModel.byteLength });
      res.end(riskModel.subarray(0, 100));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => models.listen(0, '127.0.0.1', resolve));
  const address = models.address();
  modelsUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

after(async () => {
  models.closeAllConnections();
  await new Promise<void>((resolve) => models.close(() => resolve()));
  await cleanup(easel);
});


async function tokenOf(service: string): Promise<string> {
  return (await easel.describe(service)).AccessToken ?? '';
}

function near(actual: number, expected: number, rel = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} is not ${expected}`);
}

interface Scored {
  value: number;
  margin: number;
}

test('xgboost: the example deploys through the CLI and scores JSON rows, instances and CSV through the gateway', async () => {
  await easel.cli('create', join('examples', 'risk.json'));
  await easel.waitStatus('risk', 'Running', 60_000);
  const token = await tokenOf('risk');
  const rows = await easel.predict('risk', '[{"age": 31, "income": 42000, "debt_ratio": 0.35, "late_payments": 0}, {"age": 58, "income": null, "debt_ratio": 1.2, "late_payments": 3}]', { token });
  assert.equal(rows.status, 200, rows.text);
  const scored = rows.json<Scored[]>();
  // What xgboost's own predict() gave for these rows when the example was trained (examples/risk/train.py).
  near(scored[0]?.value ?? NaN, 0.23801793);
  near(scored[1]?.value ?? NaN, 0.87963754);
  const positional = (await easel.predict('risk', '{"instances": [[31, 42000, 0.35, 0]]}', { token })).json<Scored[]>();
  assert.equal(positional[0]?.value, scored[0]?.value);
  const csv = await easel.predict('risk', 'late_payments,age,income,debt_ratio\n3,58,,1.2\n', { token, headers: { 'content-type': 'text/csv' } });
  assert.equal(csv.json<Scored[]>()[0]?.value, scored[1]?.value);
  const viaCli = JSON.parse(await easel.cli('predict', 'risk', '-d', '{"age": 31, "income": 42000, "debt_ratio": 0.35, "late_payments": 0}')) as Scored[];
  assert.equal(viaCli[0]?.value, scored[0]?.value);
});

test('xgboost: GET returns the signature, and bad input gets a 400 naming the row, field and expected form', async () => {
  const token = await tokenOf('risk');
  const sig = await call('GET', `${easel.gatewayUrl}/api/predict/risk`, { headers: { authorization: token } });
  assert.equal(sig.status, 200);
  const signature = sig.json<{ processor: string; model: { sha256: string }; inputs: { name: string }[] }>();
  assert.equal(signature.processor, 'xgboost');
  assert.deepEqual(
    signature.inputs.map((i) => i.name),
    ['age', 'income', 'debt_ratio', 'late_payments'],
  );
  assert.match(signature.model.sha256, /^[0-9a-f]{64}$/);
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['{"age": ', /not valid JSON/],
    ['[{"age": 31, "incme": 4}]', /\[0\]: unknown feature "incme" \(did you mean "income"\?\)/],
    ['[{"age": 31}, {"age": "old"}]', /\[1\], field "age": expected .*number.*, got "old"/],
    ['{"instances": [[1, 2]]}', /instances\[0\]: expected 4 values/],
  ];
  for (const [body, message] of cases) {
    const r = await easel.predict('risk', body, { token });
    assert.equal(r.status, 400, body);
    const err = r.json<{ code: string; message: string }>();
    assert.equal(err.code, 'EASEL_BAD_INPUT');
    assert.match(err.message, message);
  }
});

test('batching: concurrent requests, good and bad mixed, get exactly what they get alone; stats show the batch sizes', async () => {
  const token = await tokenOf('risk');
  const bodies = Array.from({ length: 40 }, (_, i) => (i % 8 === 5 ? `[{"age": "x${i}"}]` : `[{"age": ${20 + i}, "income": ${30000 + 1000 * i}, "debt_ratio": ${(i % 10) / 7}, "late_payments": ${i % 4}}]`));
  const alone: string[] = [];
  for (const body of bodies) alone.push((await easel.predict('risk', body, { token })).text);
  const together = await Promise.all(bodies.map((body) => easel.predict('risk', body, { token })));
  together.forEach((r, i) => {
    assert.equal(r.status, bodies[i]?.includes('"x') === true ? 400 : 200);
    assert.equal(r.text, alone[i]);
  });
  const [instance] = await easel.instances('risk');
  assert.ok(instance);
  const stats = (await call('GET', `http://127.0.0.1:${instance.InstancePort}/__easel/stats`)).json<{ batching: { batches: number; requests: number; sizes: Record<string, number> } }>();
  // Warm-up (3 requests), the CLI call, the checks above: every request went through a batch.
  assert.ok(stats.batching.requests >= 80 + 3);
  const counted = Object.entries(stats.batching.sizes).reduce((n, [size, count]) => n + Number(size) * count, 0);
  assert.equal(counted, stats.batching.requests);
});

test('onnx: the example answers the Open Inference Protocol on /api/predict and /v2/models', async () => {
  await easel.cli('create', join('examples', 'iris.json'));
  await easel.waitStatus('iris', 'Running', 60_000);
  const token = await tokenOf('iris');
  const body = JSON.stringify({ inputs: [{ name: 'measurements', shape: [2, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3] }] });
  const viaPredict = await easel.predict('iris', body, { token });
  assert.equal(viaPredict.status, 200, viaPredict.text);
  const out = viaPredict.json<{ model_name: string; outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] }>();
  assert.equal(out.model_name, 'iris');
  assert.deepEqual(out.outputs[0]?.shape, [2, 3]);
  assert.equal(out.outputs[0]?.datatype, 'FP32');
  assert.ok((out.outputs[0]?.data[0] ?? 0) > 0.9, 'the first flower is a setosa');
  assert.ok((out.outputs[0]?.data[5] ?? 0) > 0.9, 'the second is a virginica');
  const auth = { authorization: token };
  const viaV2 = await call('POST', `${easel.gatewayUrl}/v2/models/iris/infer`, { body, headers: auth });
  assert.equal(viaV2.text, viaPredict.text);
  const meta = await call('GET', `${easel.gatewayUrl}/v2/models/iris`, { headers: auth });
  assert.equal(meta.json<{ name: string; inputs: { name: string }[] }>().inputs[0]?.name, 'measurements');
  assert.equal((await call('GET', `${easel.gatewayUrl}/v2/models/iris/ready`, { headers: auth })).status, 200);
  assert.equal((await call('GET', `${easel.gatewayUrl}/v2/health/live`)).status, 200);
  assert.equal((await call('GET', `${easel.gatewayUrl}/v2/health/ready`)).status, 200);
  const wrong = await easel.predict('iris', JSON.stringify({ inputs: [{ name: 'measurements', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }), { token });
  assert.equal(wrong.status, 400);
  assert.match(wrong.json<{ message: string }>().message, /shape/);
});

test('lightgbm and pmml: corpus models deploy and score like their engines', { skip: corpusRoot() === undefined ? NO_CORPUS : false }, async () => {
  const root = corpusRoot() ?? '';
  await easel.cli('create', writeSpec({ name: 'auto_lgbm', processor: 'lightgbm', model_path: join(root, 'lightgbm/jpmml-lightgbm/lgbm/RegressionAuto.txt') }));
  await easel.waitStatus('auto_lgbm', 'Running', 60_000);
  const auto = readCsv(join(root, 'lightgbm/jpmml-lightgbm/csv/Auto.csv'));
  const expectedAuto = readCsv(join(root, 'lightgbm/jpmml-lightgbm/csv/RegressionAuto.csv'));
  const csv = `${auto.header.join(',')}\n${auto.rows.slice(0, 3).map((r) => r.join(',')).join('\n')}\n`;
  const lgbm = await easel.predict('auto_lgbm', csv, { token: await tokenOf('auto_lgbm'), headers: { 'content-type': 'text/csv' } });
  // The training CSV carries the target column, which is no model feature.
  if (lgbm.status === 400) assert.match(lgbm.text, /unknown feature/);
  const features = auto.header.map((h, i) => [h, i] as const).filter(([h]) => h !== 'mpg');
  const rows = auto.rows.slice(0, 3).map((r) => Object.fromEntries(features.map(([h, i]) => [h, r[i] === '' ? null : Number(r[i])])));
  const scored = await easel.predict('auto_lgbm', JSON.stringify(rows), { token: await tokenOf('auto_lgbm') });
  assert.equal(scored.status, 200, scored.text);
  scored.json<Scored[]>().forEach((s, i) => near(s.value, Number(expectedAuto.rows[i]?.[0]), 1e-9));

  await easel.cli('create', writeSpec({ name: 'iris_tree', processor: 'pmml', model_path: join(root, 'pmml/jpmml-evaluator-it/knime/pmml/DecisionTreeIris.pmml') }));
  await easel.waitStatus('iris_tree', 'Running', 60_000);
  const tree = await easel.predict('iris_tree', '[{"Sepal_Length": 5.1, "Sepal_Width": 3.5, "Petal_Length": 1.4, "Petal_Width": 0.2}]', { token: await tokenOf('iris_tree') });
  assert.equal(tree.status, 200, tree.text);
  const expectedIris = readCsv(join(root, 'pmml/jpmml-evaluator-it/knime/csv/DecisionTreeIris.csv'));
  const result = tree.json<Record<string, unknown>[]>()[0] ?? {};
  expectedIris.header.forEach((h, i) => {
    const want = expectedIris.rows[0]?.[i] ?? '';
    const got = result[h];
    if (typeof got === 'number') near(got, Number(want));
    else assert.equal(String(got), want, h);
  });
});

function writeSpec(spec: object): string {
  const file = join(easel.home, `${(spec as { name: string }).name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

test('an http model_path is downloaded once into <home>/models and served', async () => {
  await easel.deploy({ name: 'risk_http', processor: 'xgboost', model_path: `${modelsUrl}/risk.json`, metadata: { instance: 2 } }, 60_000);
  const r = await easel.predict('risk_http', '{"age": 31, "income": 42000, "debt_ratio": 0.35, "late_payments": 0}', { token: await tokenOf('risk_http') });
  near(r.json<Scored[]>()[0]?.value ?? NaN, 0.23801793);
  const sig = (await call('GET', `${easel.gatewayUrl}/api/predict/risk_http`, { headers: { authorization: await tokenOf('risk_http') } })).json<{ model: { file: string } }>();
  assert.ok(sig.model.file.startsWith(join(easel.home, 'models', 'sha256')), sig.model.file);
  assert.ok(existsSync(sig.model.file));
});

test('a model that cannot be used fails the service with a Reason naming the file and the problem', async () => {
  const truncated = await easel.api('POST', '/api/v2/services', { name: 'trunc', processor: 'xgboost', model_path: `${modelsUrl}/truncated.json` });
  assert.equal(truncated.status, 200, truncated.text);
  const t = await easel.waitStatus('trunc', 'Failed', 90_000);
  assert.match(t.Reason, /truncated\.json/);
  assert.match(t.Reason, /truncated download/);

  const wrongFormat = await easel.api('POST', '/api/v2/services', { name: 'wrong_format', processor: 'lightgbm', model_path: join(PACKAGE_ROOT, 'examples', 'risk', 'model.json') });
  assert.equal(wrongFormat.status, 200, wrongFormat.text);
  const w = await easel.waitStatus('wrong_format', 'Failed', 90_000);
  assert.match(w.Reason, /examples\/risk\/model\.json/);

  const missing = await easel.api('POST', '/api/v2/services', { name: 'missing', processor: 'pmml', model_path: '/nonexistent/model.pmml' });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /model_path.*no such file/);
});

test('warm-up requests run before ready; a failing one fails the start with its answer', async () => {
  const bad = join(easel.home, 'bad-warm-up.jsonl');
  writeFileSync(bad, '{"age": 31}\n{"age": "not a number"}\n');
  const r = await easel.api('POST', '/api/v2/services', { name: 'warm_bad', processor: 'xgboost', model_path: join(PACKAGE_ROOT, 'examples', 'risk', 'model.json'), warm_up_data_path: bad });
  assert.equal(r.status, 200, r.text);
  const d = await easel.waitStatus('warm_bad', 'Failed', 90_000);
  assert.match(d.Reason, /warm-up request 2 of .*bad-warm-up\.jsonl got HTTP 400/);
});
