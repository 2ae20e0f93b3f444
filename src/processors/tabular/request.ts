// Turning a request body into rows of raw values in the model's feature order. Accepted forms:
// an array of row objects keyed by feature name, one row object, {"instances": [...]} with
// positional arrays (or row objects), and text/csv with a header row. null, an absent key and
// an empty CSV cell are all "missing".
import { parse as parseCsv } from 'csv-parse/sync';
import { closestName } from '../../contract/closest-name.js';
import { describeType } from '../describe.js';
import type { InputField, RawValue } from './model.js';

export interface ParsedRows {
  ok: true;
  rows: RawValue[][];
  /** How to name row i in an error message: "[3]", "instances[3]", "the row", "CSV line 5". */
  rowLabel(i: number): string;
}

export type RowsOutcome = ParsedRows | { ok: false; reason: string };

const MAX_SHOWN_FEATURES = 12;

function featureList(inputs: readonly InputField[]): string {
  const names = inputs.slice(0, MAX_SHOWN_FEATURES).map((f) => f.name);
  const more = inputs.length > MAX_SHOWN_FEATURES ? `, … (${inputs.length} in all)` : '';
  return names.join(', ') + more;
}

function fail(reason: string): RowsOutcome {
  return { ok: false, reason };
}

/** Reads the request body in whichever accepted form it has. */
export function parseRows(body: Buffer, contentType: string | undefined, inputs: readonly InputField[]): RowsOutcome {
  if (body.byteLength === 0 || body.toString('utf8').trim() === '') {
    return fail('the request body is empty: send JSON rows ([{"feature": value, ...}] or {"instances": [[...]]}) or text/csv with a header row');
  }
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('csv')) return csvRows(body, inputs);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(`the request body is not valid JSON (${why}); send JSON rows or text/csv with a header row (Content-Type: text/csv)`);
  }
  return jsonRows(value, inputs);
}

class Columns {
  readonly index = new Map<string, number>();

  constructor(readonly inputs: readonly InputField[]) {
    inputs.forEach((f, i) => this.index.set(f.name, i));
  }

  unknown(where: string, key: string): string {
    const close = closestName(key, this.index.keys());
    const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
    return `${where}: unknown feature "${key}"${hint}; the model's features are ${featureList(this.inputs)}`;
  }
}

function scalar(v: unknown): v is RawValue {
  return v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

function notScalar(where: string, field: string, v: unknown): string {
  return `${where}, field "${field}": expected a number, string, boolean or null, got ${describeType(v)}`;
}

function objectRow(obj: Record<string, unknown>, cols: Columns, where: string): RawValue[] | string {
  const row = new Array<RawValue>(cols.inputs.length).fill(null);
  for (const key of Object.keys(obj)) {
    const i = cols.index.get(key);
    if (i === undefined) return cols.unknown(where, key);
    const v = obj[key];
    if (!scalar(v)) return notScalar(where, key, v);
    row[i] = v;
  }
  return row;
}

function positionalRow(arr: readonly unknown[], cols: Columns, where: string): RawValue[] | string {
  if (arr.length !== cols.inputs.length) {
    return `${where}: expected ${cols.inputs.length} values in the model's feature order (${featureList(cols.inputs)}), got ${arr.length}`;
  }
  const row = new Array<RawValue>(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (!scalar(v)) return notScalar(`${where}[${i}]`, cols.inputs[i]?.name ?? String(i), v);
    row[i] = v;
  }
  return row;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listRows(list: readonly unknown[], cols: Columns, prefix: string): RowsOutcome {
  if (list.length === 0) return fail(`${prefix === '' ? 'the request' : prefix} holds no rows`);
  const rows: RawValue[][] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const where = `${prefix}[${i}]`;
    let row: RawValue[] | string;
    if (Array.isArray(item)) row = positionalRow(item, cols, where);
    else if (isObject(item)) row = objectRow(item, cols, where);
    else row = `${where}: expected a row object keyed by feature name or an array of values in feature order, got ${describeType(item)}`;
    if (typeof row === 'string') return fail(row);
    rows.push(row);
  }
  return { ok: true, rows, rowLabel: (i) => `${prefix}[${i}]` };
}

function jsonRows(value: unknown, inputs: readonly InputField[]): RowsOutcome {
  const cols = new Columns(inputs);
  if (Array.isArray(value)) return listRows(value, cols, '');
  if (!isObject(value)) {
    return fail(`expected JSON rows ([{"feature": value, ...}], one row object, or {"instances": [[...]]}), got ${describeType(value)}`);
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'instances' && !cols.index.has('instances')) {
    const list = value['instances'];
    if (!Array.isArray(list)) return fail(`instances: expected an array of rows, got ${describeType(list)}`);
    return listRows(list, cols, 'instances');
  }
  const row = objectRow(value, cols, 'the row');
  if (typeof row === 'string') return fail(row);
  return { ok: true, rows: [row], rowLabel: () => 'the row' };
}

function csvRows(body: Buffer, inputs: readonly InputField[]): RowsOutcome {
  let records: string[][];
  try {
    const parsed: unknown = parseCsv(body, { bom: true, skip_empty_lines: true, relax_column_count: true });
    records = parsed as string[][];
  } catch (e) {
    return fail(`the CSV body cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const header = records.shift();
  if (header === undefined) return fail('the CSV body has no header row');
  if (records.length === 0) return fail('the CSV body has a header row but no data rows');
  const cols = new Columns(inputs);
  const positions: number[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    const i = cols.index.get(name);
    if (i === undefined) return fail(cols.unknown('CSV header', name));
    if (seen.has(name)) return fail(`CSV header: feature "${name}" appears twice`);
    seen.add(name);
    positions.push(i);
  }
  // The data starts on line 2; every record is one line unless a quoted cell spans lines.
  const label = (i: number): string => `CSV row ${i + 1}`;
  const rows: RawValue[][] = [];
  for (let r = 0; r < records.length; r++) {
    const cells = records[r] ?? [];
    if (cells.length !== header.length) return fail(`${label(r)}: expected ${header.length} cells as in the header, got ${cells.length}`);
    const row = new Array<RawValue>(inputs.length).fill(null);
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c] ?? '';
      row[positions[c] ?? 0] = cell === '' ? null : cell;
    }
    rows.push(row);
  }
  return { ok: true, rows, rowLabel: label };
}
