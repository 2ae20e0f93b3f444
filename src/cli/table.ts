// Borderless, kubectl-style tables (cli-table3). cli-table3 is loaded on first use so that
// commands that print no table (`easel instance`, `easel gateway`) never pay for it.
import { createRequire } from 'node:module';
import type CliTable3 from 'cli-table3';

type TableConstructor = typeof CliTable3;

const require = createRequire(import.meta.url);
let TableClass: TableConstructor | undefined;

function loadTable(): TableConstructor {
  TableClass ??= require('cli-table3') as TableConstructor;
  return TableClass;
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

const GAP = NO_BORDERS.middle.length;

export interface TableOptions {
  /** Terminal width; when set, the column named by `wrapColumn` is wrapped to fit. */
  width?: number | undefined;
  wrapColumn?: number;
}

/** Visible length of a cell's longest line (ANSI colour codes do not count). */
function cellWidth(cell: string): number {
  // eslint-disable-next-line no-control-regex
  const plain = cell.replace(/\x1b\[[0-9;]*m/g, '');
  return Math.max(...plain.split('\n').map((l) => l.length));
}

/**
 * The wrap column's width: what the terminal leaves after the other columns, but never so
 * narrow that the text becomes one word per line.
 */
export function wrapWidth(head: readonly string[], rows: readonly (readonly string[])[], column: number, width: number): number {
  let others = 0;
  head.forEach((h, i) => {
    if (i === column) return;
    others += Math.max(cellWidth(h), ...rows.map((r) => cellWidth(r[i] ?? ''))) + GAP;
  });
  return Math.max(30, width - others - 1);
}

/** Renders rows under upper-case headings, columns separated by spaces, no trailing blanks. */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const Table = loadTable();
  const wrap = opts.wrapColumn !== undefined && opts.width !== undefined ? { column: opts.wrapColumn, width: wrapWidth(head, rows, opts.wrapColumn, opts.width) } : undefined;
  const table = new Table({
    head: [...head],
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    ...(wrap === undefined ? {} : { colWidths: head.map((_, i) => (i === wrap.column ? wrap.width : null)), wordWrap: true, wrapOnWordBoundary: true }),
  });
  for (const row of rows) table.push([...row]);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Key/value lines with the keys aligned; continuation lines of a value are indented under it. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const keyWidth = Math.max(...fields.map(([k]) => k.length)) + 2;
  return fields
    .map(([key, value]) => {
      const [first = '', ...rest] = value.split('\n');
      const lines = [`${key.padEnd(keyWidth)}${first}`.trimEnd(), ...rest.map((l) => `${' '.repeat(keyWidth)}${l}`.trimEnd())];
      return lines.join('\n');
    })
    .join('\n');
}
