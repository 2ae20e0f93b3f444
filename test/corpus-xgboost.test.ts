// The XGBoost evaluator against the model corpus (../shared/corpus/xgboost): XGBoost 3.4.1 JSON
// and UBJ models, 2.1 and pre-1.0 legacy binaries, and 1.7 conversions, each with reference
// predictions made by XGBoost itself. Every row of every case must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type CorpusTally, NO_CORPUS, close, corpusRoot, printSummary, readCsv, readManifest } from './helpers/corpus.js';
import { loadXgboostModel } from '../src/processors/xgboost/index.js';
import { ModelLoadError, type RawValue, type TabularModel } from '../src/processors/tabular/model.js';

const root = corpusRoot();
const TOLERANCE = 1e-5;
const MISSING = new Set(['', 'NA', 'N/A']);

interface Outcome {
  type: string;
  format: string;
  rows: number;
  passed: number;
  problem?: string;
}

void test('XGBoost corpus: every case loads and every row matches the reference', { skip: root === undefined ? NO_CORPUS : false }, () => {
  const corpus = root as string;
  const outcomes = readManifest(corpus, 'xgboost').map((c) => runCase(corpus, c));

  const tally = (key: (o: Outcome) => string, count: (o: Outcome) => [number, number]): CorpusTally[] => {
    const byKey = new Map<string, CorpusTally>();
    for (const o of outcomes) {
      const t = byKey.get(key(o)) ?? { type: key(o), passed: 0, total: 0 };
      const [passed, total] = count(o);
      t.passed += passed;
      t.total += total;
      byKey.set(t.type, t);
    }
    return [...byKey.values()];
  };
  const casePassed = (o: Outcome): [number, number] => [o.problem === undefined ? 1 : 0, 1];
  printSummary('XGBoost corpus by model type', 'cases', tally((o) => o.type, casePassed));
  printSummary('XGBoost corpus by model type', 'rows', tally((o) => o.type, (o) => [o.passed, o.rows]));
  printSummary('XGBoost corpus by file format', 'cases', tally((o) => o.format, casePassed));

  const failed = outcomes.filter((o) => o.problem !== undefined);
  for (const o of failed) console.log(`  FAILED ${o.problem}`);
  assert.equal(failed.length, 0, `${failed.length} of ${outcomes.length} cases failed`);
});

function runCase(corpus: string, c: Record<string, string>): Outcome {
  const modelFile = c['model_file'] ?? '';
  const notes = c['notes'] ?? '';
  const label = `${modelFile} → ${basename(c['expected'] ?? '')}`;
  // A case meant to fail must fail to load, with a ModelLoadError naming the file.
  if (/meant to fail|expected[- ]load[- ]failure|must fail/i.test(notes)) {
    try {
      loadXgboostModel(readFileSync(join(corpus, modelFile)), modelFile);
    } catch (e) {
      const clear = e instanceof ModelLoadError && e.message.startsWith(`model file ${modelFile}: `);
      return { type: 'meant to fail', format: c['format'] ?? '', rows: 0, passed: 0, ...(clear ? {} : { problem: `${label}: unclear error ${String(e)}` }) };
    }
    return { type: 'meant to fail', format: c['format'] ?? '', rows: 0, passed: 0, problem: `${label}: loaded, but is meant to fail` };
  }
  let model: TabularModel;
  try {
    const limit = /ntree_limit=(\d+)|iteration_range=\(0,(\d+)\)/.exec(notes);
    const iterationEnd = limit === null ? undefined : Number(limit[1] ?? limit[2]);
    model = loadXgboostModel(readFileSync(join(corpus, modelFile)), modelFile, iterationEnd === undefined ? {} : { iterationEnd });
  } catch (e) {
    return { type: 'unloadable', format: c['format'] ?? '', rows: 0, passed: 0, problem: `${label}: ${(e as Error).message}` };
  }
  const d = model.details;
  const type = `${String(d['objective'])}/${String(d['booster'])}`;
  const format = `${String(d['format'])} ${String(d['xgboost_version'])}`;
  const inputPath = join(corpus, c['input'] ?? '');
  const rows = inputPath.endsWith('.libsvm')
    ? libsvmRows(inputPath, model.inputs.length)
    : modelFile.endsWith('.model')
      ? oneHotRows(inputPath)
      : namedRows(inputPath, model);
  const expected = readExpected(join(corpus, c['expected'] ?? ''), model, /\bmargins\b/.test(notes) ? 'margin' : 'value');
  assert.equal(rows.length, expected.length, `${label}: input and expected row counts differ`);

  let results: Record<string, unknown>[];
  try {
    results = model.predict(rows);
  } catch (e) {
    return { type, format, rows: rows.length, passed: 0, problem: `${label}: ${(e as Error).message}` };
  }
  let passed = 0;
  let firstBad: string | undefined;
  results.forEach((res, r) => {
    const want = expected[r] ?? [];
    const got = asNumbers(res[expected.key]);
    const ok = got.length === want.length && got.every((g, i) => close(g, want[i] ?? NaN, TOLERANCE));
    if (ok) passed++;
    else firstBad ??= `row ${r}: got [${got.join(', ')}], expected [${want.join(', ')}]`;
  });
  const problem = passed === rows.length ? undefined : `${label}: ${rows.length - passed} of ${rows.length} rows differ; first ${firstBad}`;
  return { type, format, rows: rows.length, passed, ...(problem !== undefined ? { problem } : {}) };
}

function asNumbers(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? x : NaN));
  return [NaN];
}

/** Raw CSV columns mapped to the model's inputs by feature name; NA cells are missing. */
function namedRows(path: string, model: TabularModel): RawValue[][] {
  const { header, rows } = readCsv(path);
  const columns = model.inputs.map((f) => {
    const i = header.indexOf(f.name);
    assert.ok(i >= 0, `${path} has no column "${f.name}"`);
    return i;
  });
  return rows.map((cells) => columns.map((i) => (MISSING.has(cells[i] ?? '') ? null : (cells[i] ?? null))));
}

/** Legacy models were trained on a one-hot view of the CSV described by <Dataset>.fmap. */
function oneHotRows(path: string): RawValue[][] {
  const fmap = readFileSync(join(dirname(path), `${basename(path, '.csv')}.fmap`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t')[1] ?? '');
  const { header, rows } = readCsv(path);
  const plan = fmap.map((name) => {
    const eq = name.indexOf('=');
    const column = header.indexOf(eq < 0 ? name : name.slice(0, eq));
    assert.ok(column >= 0, `${path} has no column for fmap entry "${name}"`);
    return { column, category: eq < 0 ? undefined : name.slice(eq + 1) };
  });
  return rows.map((cells) =>
    plan.map(({ column, category }): RawValue => {
      const cell = cells[column] ?? '';
      if (MISSING.has(cell)) return null;
      if (category !== undefined) return cell === category ? 1 : 0;
      if (cell === 'TRUE' || cell === 'FALSE') return cell === 'TRUE' ? 1 : 0;
      return cell;
    }),
  );
}

/** libsvm lines: "label index:value ..." with 0-based indexes; absent features are missing. */
function libsvmRows(path: string, numFeature: number): RawValue[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const row: RawValue[] = new Array<RawValue>(numFeature).fill(null);
      for (const pair of line.trim().split(/\s+/).slice(1)) {
        const [index, value] = pair.split(':');
        row[Number(index)] = Number(value);
      }
      return row;
    });
}

type Expected = number[][] & { key: 'value' | 'margin' };

/**
 * Reference rows as numbers. .txt files hold one prediction (or one margin vector) per line;
 * CSVs hold `_target` columns for regression and `probability(...)` columns for classifiers.
 */
function readExpected(path: string, model: TabularModel, key: 'value' | 'margin'): Expected {
  let rows: number[][];
  if (path.endsWith('.txt')) {
    rows = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s+/).map(Number));
  } else {
    const { header, rows: cells } = readCsv(path);
    const vector = model.outputs.find((o) => o.name === 'value')?.type === 'number[]';
    const probability = header.map((h, i) => ({ h, i })).filter(({ h }) => h.startsWith('probability('));
    let columns: number[];
    if (probability.length === 0) columns = header.map((h, i) => ({ h, i })).filter(({ h }) => h.startsWith('_target')).map(({ i }) => i);
    else if (!vector) columns = probability.filter(({ h }) => h === 'probability(1)').map(({ i }) => i);
    else if (probability.some(({ h }) => h.includes(','))) columns = probability.filter(({ h }) => h.endsWith(', 1)')).map(({ i }) => i);
    else columns = probability.map(({ i }) => i);
    rows = cells.map((c) => columns.map((i) => Number(c[i])));
  }
  return Object.assign(rows, { key });
}
