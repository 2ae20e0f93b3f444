// Reading the shared model corpus (../shared/corpus from the project root, or $EASEL_CORPUS):
// MANIFEST.tsv rows, CSV files, and the summary table each corpus test prints.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PACKAGE_ROOT } from '../../src/shared/paths.js';

/** The corpus folder, or undefined when this checkout has none (the corpus tests then skip, saying why). */
export function corpusRoot(): string | undefined {
  const dir = process.env['EASEL_CORPUS'] ?? resolve(PACKAGE_ROOT, '..', 'shared', 'corpus');
  return existsSync(join(dir, 'README.md')) ? dir : undefined;
}

export const NO_CORPUS = 'the model corpus is not at ../shared/corpus (set EASEL_CORPUS to its folder)';

/** The rows of a MANIFEST.tsv as objects keyed by the header's column names. */
export function readManifest(root: string, folder: string): Record<string, string>[] {
  const text = readFileSync(join(root, folder, 'MANIFEST.tsv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** A CSV file as a header and rows of cell text (quotes handled, nothing trimmed). */
export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const parsed: unknown = parse(readFileSync(path), { relax_column_count: true, skip_empty_lines: true, bom: true });
  const records = parsed as string[][];
  const header = records.shift() ?? [];
  return { header, rows: records };
}

export interface CorpusTally {
  type: string;
  passed: number;
  total: number;
}

/** Prints "model type → passed/total" as a table on stdout (the test runner shows it), with a total line. */
export function printSummary(title: string, unit: string, tallies: readonly CorpusTally[]): void {
  const width = Math.max(10, ...tallies.map((t) => t.type.length));
  const lines = [`${title} (${unit} passed / total)`];
  let passed = 0;
  let total = 0;
  for (const t of [...tallies].sort((a, b) => a.type.localeCompare(b.type))) {
    passed += t.passed;
    total += t.total;
    lines.push(`  ${t.type.padEnd(width)}  ${String(t.passed).padStart(7)} / ${String(t.total).padEnd(7)} ${t.passed === t.total ? '' : '←'}`);
  }
  lines.push(`  ${'all'.padEnd(width)}  ${String(passed).padStart(7)} / ${total} (${total === 0 ? 0 : ((100 * passed) / total).toFixed(2)}%)`);
  console.log(lines.join('\n'));
}

/** |a − b| ≤ rel·max(|a|, |b|, 1): relative tolerance that turns absolute near zero. */
export function close(a: number, b: number, rel: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1);
}
