// The LightGBM corpus (../shared/corpus/lightgbm/MANIFEST.tsv): every model is loaded, every
// input row scored in one predict() call, and the result compared with what LightGBM itself
// returned (jpmml-lightgbm and leaves test data). Tree fragments must be refused as models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { close, corpusRoot, NO_CORPUS, printSummary, readCsv, readManifest, type CorpusTally } from './helpers/corpus.js';
import { loadLightgbmModel, type LightgbmModel } from '../src/processors/lightgbm/index.js';
import { ModelLoadError, type RawValue } from '../src/processors/tabular/model.js';

// Upstream reproduced these exactly; 1e-12 leaves room only for last-bit differences.
const REL = 1e-12;
const MISSING = new Set(['', 'N/A', 'NA']);

interface Outcome {
  rows: number;
  rowsPassed: number;
  /** Largest |error| / max(|expected|, 1) over the compared numbers. */
  maxError: number;
  problem?: string;
}

type Row = Record<string, unknown>;

function compare(expected: readonly number[], actual: unknown, out: { maxError: number }): boolean {
  const got = Array.isArray(actual) ? (actual as unknown[]) : [actual];
  if (got.length !== expected.length) return false;
  return expected.every((e, i) => {
    const a = got[i];
    if (typeof a !== 'number') return false;
    out.maxError = Math.max(out.maxError, Math.abs(a - e) / Math.max(Math.abs(e), 1));
    return close(a, e, REL);
  });
}

function score(expected: readonly (readonly number[])[], actual: readonly unknown[]): Outcome {
  const out = { rows: expected.length, rowsPassed: 0, maxError: 0 };
  if (actual.length !== expected.length) return { ...out, problem: `${actual.length} results for ${expected.length} expected rows` };
  expected.forEach((e, r) => {
    if (compare(e, actual[r], out)) out.rowsPassed++;
  });
  return out;
}

function load(root: string, path: string, expected = ''): LightgbmModel {
  const at = /@(\d+)\.csv$/.exec(expected);
  return loadLightgbmModel(readFileSync(join(root, path)), basename(path), at ? { numIteration: Number(at[1]) } : {});
}

/** jpmml-lightgbm: raw CSV input (or get_dummies columns), expected _target or probability(k) columns. */
function jpmmlCase(root: string, m: Record<string, string>): Outcome {
  const model = load(root, m['model_file']!, m['expected']);
  const input = readCsv(join(root, m['input']!));
  const dummies = (m['notes'] ?? '').includes('get_dummies');
  const rows = input.rows.map((cells) =>
    model.inputs.map((field): RawValue => {
      const at = input.header.indexOf(field.name);
      if (at >= 0) return MISSING.has(cells[at]!) ? null : cells[at]!;
      if (!dummies) throw new Error(`input has no column ${field.name}`);
      // pandas.get_dummies column "Col_Value": 1 where Col == Value; a missing Col gives all zeros.
      const col = input.header.findIndex((h) => field.name.startsWith(`${h}_`));
      return cells[col] === field.name.slice(input.header[col]!.length + 1) ? 1 : 0;
    }),
  );
  const expected = readCsv(join(root, m['expected']!));
  const probs = expected.header.filter((h) => h.startsWith('probability('));
  const results = model.predict(rows);
  if (probs.length === 0) return score(expected.rows.map((r) => [Number(r[0])]), results.map((r) => r['value']));
  // Binary models return P(class 1); multiclass models return every class's probability.
  const binary = probs.length === 2 && !Array.isArray(results[0]?.['value']);
  const cols = (binary ? ['probability(1)'] : probs).map((p) => expected.header.indexOf(p));
  return score(expected.rows.map((r) => cols.map((c) => Number(r[c]))), results.map((r) => r['value']));
}

function numbersPerLine(path: string, separator: RegExp): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(separator).map(Number));
}

/** leaves: TSV / libsvm / space-separated input, expected predictions, raw scores or leaf indexes. */
function leavesCase(root: string, m: Record<string, string>): Outcome {
  const model = load(root, m['model_file']!);
  const inputPath = join(root, m['input']!);
  const width = model.inputs.length;
  let rows: RawValue[][];
  if (inputPath.endsWith('.libsvm')) {
    rows = readFileSync(inputPath, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line) => {
      const row = new Array<RawValue>(width).fill(0); // libsvm leaves zeros out
      for (const pair of line.trim().split(/\s+/).slice(1)) {
        const [index, value] = pair.split(':');
        row[Number(index)] = value!;
      }
      return row;
    });
  } else {
    const sep = inputPath.endsWith('.tsv') ? '\t' : ' ';
    rows = readFileSync(inputPath, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(sep));
    // multiclass_test.tsv starts each line with the label.
    rows = rows.map((r) => (r.length === width + 1 ? r.slice(1) : r));
  }
  const notes = m['notes'] ?? '';
  const expected = numbersPerLine(join(root, m['expected']!), /\s+/);
  if (notes.includes('LEAF INDICES')) return score(expected, model.leafIndices(rows));
  const key = /\bRAW\b/.test(notes) ? 'margin' : 'value';
  return score(expected, model.predict(rows).map((r) => r[key]));
}

// leaves' lgensemble_test.go: model_simple.txt raw scores (all trees, then the first iteration only),
// and the single-tree fragments' outputs for given feature values.
const SIMPLE_ROWS: RawValue[][] = [[0, 0], [1000, 0], [800, 0], [800, 100], [0, 100], [1000, null], [null, null]];
const SIMPLE_ALL = [0.29462594, 0.39565483, 0.39565483, 0.69580371, 0.69580371, 0.39565483, 0.29462594];
const SIMPLE_FIRST = [0.35849878, 0.41213916, 0.41213916, 0.56697267, 0.56697267, 0.41213916, 0.35849878];
const FRAGMENTS: Record<string, { features: number; rows: RawValue[][]; expected: number[] }> = {
  'tree_1leaf.txt': { features: 1, rows: [[0], [10], [-10], [null]], expected: [0.123, 0.123, 0.123, 0.123] },
  'tree_2leaves.txt': { features: 1, rows: [[0], [5.1], [null]], expected: [0.43, 0.59, 0.43] },
  'tree_3leaves.txt': { features: 2, rows: [[0, 0], [1000, 0], [null, 0], [null, 10], [null, 100]], expected: [0.35, 0.38, 0.35, 0.35, 0.54] },
};

function fragmentCase(root: string, m: Record<string, string>): Outcome {
  const name = basename(m['model_file']!);
  const bytes = readFileSync(join(root, m['model_file']!));
  if (name === 'model_simple.txt') {
    const margins = (model: LightgbmModel) => model.predict(SIMPLE_ROWS).map((r) => r['margin']);
    const all = score(SIMPLE_ALL.map((v) => [v]), margins(loadLightgbmModel(bytes, name)));
    const first = score(SIMPLE_FIRST.map((v) => [v]), margins(loadLightgbmModel(bytes, name, { numIteration: 1 })));
    // The expectations are printed to 8 digits.
    const ok = (o: Outcome) => o.maxError < 5e-9;
    return { rows: all.rows + first.rows, rowsPassed: (ok(all) ? all.rows : 0) + (ok(first) ? first.rows : 0), maxError: 0 };
  }
  const spec = FRAGMENTS[name];
  if (spec === undefined) return { rows: 0, rowsPassed: 0, maxError: 0, problem: `no expectations for ${name}` };
  // A lone tree is not a model: it must be refused, and with a header around it give the tree's outputs.
  assert.throws(() => loadLightgbmModel(bytes, name), (err: unknown) => err instanceof ModelLoadError && /no 'tree' header/.test(err.message));
  const names = Array.from({ length: spec.features }, (_, i) => `f${i}`).join(' ');
  const header = `tree\nversion=v2\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=${spec.features - 1}\nfeature_names=${names}\n\n`;
  const wrapped = Buffer.concat([Buffer.from(header), bytes, Buffer.from('\n\nend of trees\n')]);
  const model = loadLightgbmModel(wrapped, name);
  return score(spec.expected.map((v) => [v]), model.predict(spec.rows).map((r: Row) => r['value']));
}

function typeOf(m: Record<string, string>): string {
  const t = m['model_type'] ?? '';
  if (t === 'tree fragment') return t;
  const [version = '', objective = ''] = t.split(' ');
  return `${version} ${objective}${t.includes('rf(') ? ' rf' : ''}${t.includes('linear_tree') ? ' linear' : ''}`;
}

test('LightGBM corpus: every case reproduces LightGBM', { skip: corpusRoot() === undefined ? NO_CORPUS : false }, () => {
  const root = corpusRoot()!;
  const manifest = readManifest(root, 'lightgbm');
  const cases = new Map<string, CorpusTally>();
  const rowTally = new Map<string, CorpusTally>();
  const failures: string[] = [];
  let maxError = 0;
  for (const m of manifest) {
    const type = typeOf(m);
    let outcome: Outcome;
    try {
      if (type === 'tree fragment') outcome = fragmentCase(root, m);
      else if (m['model_file']!.includes('/jpmml-lightgbm/')) outcome = jpmmlCase(root, m);
      else outcome = leavesCase(root, m);
    } catch (err) {
      outcome = { rows: 0, rowsPassed: 0, maxError: 0, problem: err instanceof Error ? err.message : String(err) };
    }
    const passed = outcome.problem === undefined && outcome.rowsPassed === outcome.rows;
    if (!passed) failures.push(`${m['expected'] || m['model_file']}: ${outcome.problem ?? `${outcome.rows - outcome.rowsPassed} of ${outcome.rows} rows differ`}`);
    maxError = Math.max(maxError, outcome.maxError);
    const c = cases.get(type) ?? { type, passed: 0, total: 0 };
    cases.set(type, { type, passed: c.passed + (passed ? 1 : 0), total: c.total + 1 });
    const r = rowTally.get(type) ?? { type, passed: 0, total: 0 };
    rowTally.set(type, { type, passed: r.passed + outcome.rowsPassed, total: r.total + outcome.rows });
  }
  printSummary('LightGBM corpus', 'cases', [...cases.values()]);
  printSummary('LightGBM corpus', 'rows', [...rowTally.values()]);
  console.log(`  largest |error| / max(|expected|, 1): ${maxError}`);
  assert.equal(manifest.length, 45, 'the manifest lists 45 cases');
  assert.deepEqual(failures, []);
});

test('LightGBM corpus: throughput on a 100-tree model', { skip: corpusRoot() === undefined ? NO_CORPUS : false }, () => {
  const root = corpusRoot()!;
  const model = load(root, 'lightgbm/leaves/genlin_fmtp_poisson_Frequency.model');
  const lines = readFileSync(join(root, 'lightgbm/leaves/genlin_fmtp_poisson_Frequency_features.tsv'), 'utf8').split('\n').filter((l) => l !== '');
  const text: RawValue[][] = [];
  for (let i = 0; i < 10; i++) text.push(...lines.map((l) => l.split('\t')));
  const numbers = text.map((r) => r.map(Number));
  const rate = (rows: RawValue[][]): number => {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      model.predict(rows);
      best = Math.min(best, performance.now() - t0);
    }
    return Math.round((rows.length / best) * 1000);
  };
  console.log(`  ${String(model.details['trees'])} trees, ${numbers.length} rows: ${rate(numbers)} rows/s (JSON numbers), ${rate(text)} rows/s (CSV text)`);
  assert.equal(numbers.length, 10_000);
});
