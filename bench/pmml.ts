// PMML: rows/s of easel's PMML evaluator on corpus models: a random forest of 200 trees, a
// gradient-boosted ensemble of 100 trees (MiningModels of TreeModels) and a neural network, scoring their own input CSVs. The reference
// measured in the same run is the cost of reading the same rows (request parsing into raw
// values), so the figure can be compared across machines as a ratio.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadPmmlModel } from '../src/processors/pmml/index.js';
import { parseRows } from '../src/processors/tabular/request.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { median, round } from './support.js';

const CORPUS = process.env.EASEL_CORPUS ?? resolve(PACKAGE_ROOT, '..', 'shared', 'corpus');
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MIN_ROWS = 10_000;

const CASES = [
  { name: 'random_forest_200_trees', model: 'pmml/cpmml/model/IrisRandomForest.xml', csv: 'pmml/cpmml/dataset/IrisRandomForest.csv' },
  { name: 'gradient_boosting_100_trees', model: 'pmml/cpmml/model/HousingGBTRegressor.xml', csv: 'pmml/cpmml/dataset/HousingGBTRegressor.csv' },
  { name: 'neural_network', model: 'pmml/jpmml-evaluator-it/rattle/pmml/NeuralNetworkAudit.pmml', csv: 'pmml/jpmml-evaluator-it/rattle/csv/Audit.csv' },
];

function measure(name: string, modelFile: string, csvFile: string): Record<string, unknown> {
  const model = loadPmmlModel(readFileSync(join(CORPUS, modelFile)), modelFile);
  const known = new Set(model.inputs.map((f) => f.name));
  const table: unknown = parse(readFileSync(join(CORPUS, csvFile)), { bom: true });
  const records = table as string[][];
  const header = records.shift() ?? [];
  const keep = header.map((h, i) => [h, i] as const).filter(([h]) => known.has(h));
  const lines = [keep.map(([h]) => h).join(',')];
  for (let r = 0; lines.length <= MIN_ROWS; r = (r + 1) % records.length) {
    const row = records[r] ?? [];
    lines.push(keep.map(([, i]) => { const v = row[i] ?? ''; return v === 'NA' || v === 'N/A' ? '' : /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v; }).join(','));
  }
  const body = Buffer.from(lines.join('\n'));
  const parsed = parseRows(body, 'text/csv', model.inputs);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.reason}`);
  const rows = parsed.rows;
  model.predict(rows);
  const scoreTimes: number[] = [];
  const parseTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    parseRows(body, 'text/csv', model.inputs);
    parseTimes.push(performance.now() - t);
    t = performance.now();
    model.predict(rows);
    scoreTimes.push(performance.now() - t);
  }
  const rowsPerS = rows.length / (median(scoreTimes) / 1000);
  const parsePerS = rows.length / (median(parseTimes) / 1000);
  return { model: modelFile, rows: rows.length, rows_per_s: Math.round(rowsPerS), csv_parse_rows_per_s: Math.round(parsePerS), score_vs_parse: round(rowsPerS / parsePerS) };
}

const result: Record<string, unknown> = { bench: 'pmml' };
for (const c of CASES) result[c.name] = measure(c.name, c.model, c.csv);
console.log(JSON.stringify(result));
