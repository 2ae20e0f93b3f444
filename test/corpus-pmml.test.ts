// The PMML corpus: every model of ../shared/corpus/pmml/MANIFEST.tsv is loaded and its rows
// scored against the outputs other engines recorded (JPMML CSV pairs, cPMML single CSVs with a
// "prediction" column, pmml4s single cases). EASEL_PMML_ONLY=<text> keeps the models whose
// model_type or file contains the text; EASEL_PMML_VERBOSE=1 prints each failing row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { close, corpusRoot, NO_CORPUS, printSummary, readCsv, readManifest, type CorpusTally } from './helpers/corpus.js';
import { loadPmmlModel, NO_TARGET_KEY, type DetailedRow, type PmmlModel } from '../src/processors/pmml/index.js';
import type { RawValue } from '../src/processors/tabular/model.js';

const REQUIRED_ROW_RATE = 0.95;
const REL = 1e-6;
const MISSING = new Set(['N/A', 'NA']);

interface Entry {
  readonly file: string;
  readonly input: string;
  readonly expected: string;
  readonly type: string;
  readonly notes: string;
}

interface Outcome {
  passed: number;
  total: number;
  /** The first mismatches, for the failure list. */
  problems: string[];
}

interface PmmlCase {
  model: string;
  inputs: Record<string, RawValue>;
  expected: Record<string, unknown>;
}

function familyOf(type: string): string {
  return type.split(' ')[0] ?? type;
}

function same(actual: unknown, expectedText: string | null): boolean {
  if (expectedText === null) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof actual === 'number') {
    const e = Number(expectedText);
    if (expectedText.trim() !== '' && !Number.isNaN(e)) return close(actual, e, REL);
    if (expectedText === 'true' || expectedText === 'false') return (actual !== 0) === (expectedText === 'true');
    return false;
  }
  if (typeof actual === 'boolean') return String(actual) === expectedText.toLowerCase() || (actual ? expectedText === '1' : expectedText === '0');
  const a = typeof actual === 'string' ? actual : JSON.stringify(actual);
  if (a === expectedText) return true;
  const x = Number(a);
  const e = Number(expectedText);
  return a.trim() !== '' && expectedText.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(e) && close(x, e, REL);
}

function cellValue(text: string | undefined): RawValue {
  if (text === undefined || text === '' || MISSING.has(text)) return null;
  return text;
}

/** Columns the manifest says are informational or excluded upstream. */
function skippedColumns(notes: string): Set<string> {
  const out = new Set<string>();
  const info = /not compared upstream\): (.*)$/.exec(notes);
  if (info?.[1] !== undefined) for (const c of info[1].split(',')) out.add(c.trim());
  const excluded = /upstream excludes fields ([^;"]*)/.exec(notes);
  if (excluded?.[1] !== undefined) for (const c of excluded[1].split(',')) out.add(c.trim());
  return out;
}

function rowsFor(model: PmmlModel, header: readonly string[], rows: readonly string[][]): RawValue[][] {
  const index = model.inputs.map((f) => header.indexOf(f.name));
  return rows.map((r) => index.map((i) => (i < 0 ? null : cellValue(r[i]))));
}

function scoreCsv(root: string, e: Entry, model: PmmlModel): Outcome {
  const out: Outcome = { passed: 0, total: 0, problems: [] };
  const input = readCsv(join(root, e.input));
  const cpmml = e.expected === e.input;
  const expected = cpmml ? input : readCsv(join(root, e.expected));
  const scored = model.predictDetailed(rowsFor(model, input.header, input.rows));
  const skip = skippedColumns(e.notes);
  const transactional = e.notes.includes('transactional');
  const targetKey = model.outputs[0]?.name ?? NO_TARGET_KEY;
  // Transactional inputs give one expected row per transaction.
  const results: DetailedRow[] = transactional ? scored.filter((r, i) => i === 0 || r !== scored[i - 1]) : scored;
  const columns = cpmml ? [{ name: 'prediction', index: expected.header.indexOf('prediction'), key: targetKey }] : expected.header.map((name, index) => ({ name, index, key: name })).filter((c) => !skip.has(c.name));
  expected.rows.forEach((row, i) => {
    out.total++;
    const got = results[i];
    const bad = got === undefined ? ['(no result)'] : columns.filter((c) => !same(got.record[c.key], cellValue(row[c.index]) as string | null)).map((c) => `${c.name}: expected ${row[c.index] ?? ''}, got ${JSON.stringify(got.record[c.key])}`);
    if (bad.length === 0) out.passed++;
    else if (out.problems.length < 3) out.problems.push(`row ${i}: ${bad.slice(0, 3).join('; ')}`);
  });
  return out;
}

/** pmml4s's default names for results that are not OutputFields. */
function defaultOutput(model: PmmlModel, r: DetailedRow, key: string): unknown {
  if (key in r.record) return r.record[key];
  const res = r.result;
  const predictedKey = res.value === null ? undefined : String(res.value);
  if (key.startsWith('predicted_')) return r.record[key.slice('predicted_'.length)] ?? res.value;
  if (key === 'probability') return predictedKey === undefined ? null : (res.probabilities?.get(predictedKey) ?? null);
  if (key.startsWith('probability_')) return res.probabilities?.get(key.slice('probability_'.length)) ?? null;
  if (key === 'confidence') return predictedKey === undefined ? null : (res.confidences?.get(predictedKey) ?? res.probabilities?.get(predictedKey) ?? null);
  if (key === 'cluster' || key === 'node_id') return res.entityId ?? null;
  if (key === 'cluster_name') return res.entityName ?? null;
  if (key === 'distance') return res.entityId === undefined ? null : (res.affinities?.get(res.entityId) ?? null);
  void model;
  return undefined;
}

function scoreCases(root: string, e: Entry, model: PmmlModel, cases: readonly PmmlCase[]): Outcome {
  const out: Outcome = { passed: 0, total: 0, problems: [] };
  const mine = cases.filter((c) => e.file.endsWith(c.model));
  for (const c of mine) {
    out.total++;
    try {
      const [r] = model.predictDetailed([model.inputs.map((f) => c.inputs[f.name] ?? null)]);
      if (r === undefined) throw new Error('no result');
      const bad = Object.entries(c.expected).filter(([k, v]) => !same(defaultOutput(model, r, k), v === null ? null : typeof v === 'string' ? v : JSON.stringify(v)));
      if (bad.length === 0) out.passed++;
      else out.problems.push(bad.map(([k, v]) => `${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(defaultOutput(model, r, k))}`).join('; '));
    } catch (err) {
      out.problems.push((err as Error).message);
    }
  }
  void root;
  return out;
}

function rowCount(root: string, e: Entry, cases: readonly PmmlCase[]): number {
  if (e.notes.includes('cases.json')) return cases.filter((c) => e.file.endsWith(c.model)).length;
  if (e.expected === '' || e.notes.includes('EMPTY upstream')) return 0;
  try {
    return readCsv(join(root, e.expected)).rows.length;
  } catch {
    return 0;
  }
}

void test('PMML corpus: rows match the reference engines', { skip: corpusRoot() === undefined ? NO_CORPUS : false }, () => {
  const root = corpusRoot() as string;
  const only = process.env['EASEL_PMML_ONLY'];
  const verbose = process.env['EASEL_PMML_VERBOSE'] === '1';
  const cases = (JSON.parse(readFileSync(join(root, 'pmml', 'pmml4s-dmg', 'cases.json'), 'utf8')) as { cases: PmmlCase[] }).cases;
  const entries: Entry[] = readManifest(root, 'pmml')
    .map((m) => ({ file: m['model_file'] ?? '', input: m['input_csv'] ?? '', expected: m['expected_csv'] ?? '', type: m['model_type'] ?? '', notes: m['notes'] ?? '' }))
    .filter((e) => only === undefined || e.type.includes(only) || e.file.includes(only));
  const rowTallies = new Map<string, CorpusTally>();
  const caseTallies = new Map<string, CorpusTally>();
  const failures: string[] = [];
  for (const e of entries) {
    const family = familyOf(e.type) || 'unknown';
    const rows = rowTallies.get(family) ?? { type: family, passed: 0, total: 0 };
    const models = caseTallies.get(family) ?? { type: family, passed: 0, total: 0 };
    rowTallies.set(family, rows);
    caseTallies.set(family, models);
    let outcome: Outcome;
    try {
      const model = loadPmmlModel(readFileSync(join(root, e.file)), e.file);
      if (e.notes.includes('cases.json')) outcome = scoreCases(root, e, model, cases);
      else if (e.expected === '' || e.notes.includes('EMPTY upstream') || e.notes.includes('no upstream expectation')) outcome = { passed: 0, total: 0, problems: [] };
      else outcome = scoreCsv(root, e, model);
    } catch (err) {
      const total = rowCount(root, e, cases);
      outcome = { passed: 0, total, problems: [(err as Error).message] };
    }
    rows.passed += outcome.passed;
    rows.total += outcome.total;
    models.total++;
    if (outcome.passed === outcome.total && outcome.problems.length === 0) models.passed++;
    else failures.push(`${e.file} (${outcome.passed}/${outcome.total}): ${outcome.problems.slice(0, verbose ? 3 : 1).join(' | ')}`);
  }
  printSummary('PMML corpus by model type', 'rows', [...rowTallies.values()]);
  printSummary('PMML corpus by model type', 'models', [...caseTallies.values()]);
  if (failures.length > 0) console.log(`failing models:\n  ${failures.join('\n  ')}`);
  const passed = [...rowTallies.values()].reduce((n, t) => n + t.passed, 0);
  const total = [...rowTallies.values()].reduce((n, t) => n + t.total, 0);
  if (only === undefined) assert.ok(passed >= REQUIRED_ROW_RATE * total, `${passed}/${total} rows pass, ${REQUIRED_ROW_RATE * 100}% required`);
});
