// The model's features as request inputs, and the conversion of request rows into the matrix
// the evaluators read (matrix.ts). Every value is checked before any row is scored; a value the
// model cannot take throws a RowError naming row, field and expected form.
import { type InputField, type RawValue, RowError } from '../tabular/model.js';
import { ModelFormatError } from './format-error.js';
import { MISSING_HIGH, MISSING_LOW, rowWidth } from './matrix.js';
import type { CategoryList, ModelSpec } from './spec.js';

/**
 * How a request value becomes the float XGBoost compares:
 * number: any number (feature type "float", "q", or none); integer: a whole number ("int");
 * indicator: a 0/1 indicator ("i"), numbers or true/false; category-name / category-value: a
 * category from the model's `cats`, turned into its code; category-code: the code itself, for
 * categorical features whose model lists no categories.
 */
export type FeatureKind = 'number' | 'integer' | 'indicator' | 'category-name' | 'category-value' | 'category-code';

export interface Feature {
  readonly field: InputField;
  readonly kind: FeatureKind;
  /** Category → code: names for category-name, numbers for category-value. */
  readonly codes?: ReadonlyMap<string | number, number>;
}

/** Features in model order: names from feature_names (else f0, f1, ...), types from feature_types. */
export function buildFeatures(spec: ModelSpec): Feature[] {
  for (const [what, list] of [
    ['feature_names', spec.featureNames],
    ['feature_types', spec.featureTypes],
  ] as const) {
    if (list.length !== 0 && list.length !== spec.numFeature) {
      throw new ModelFormatError(`${what} has ${list.length} entries for ${spec.numFeature} features`);
    }
  }
  const names = new Set<string>();
  for (const name of spec.featureNames) {
    if (names.has(name)) throw new ModelFormatError(`feature name "${name}" appears twice`);
    names.add(name);
  }
  const out: Feature[] = [];
  for (let f = 0; f < spec.numFeature; f++) {
    const name = spec.featureNames[f] ?? `f${f}`;
    const type = spec.featureTypes[f] ?? 'float';
    if (type === 'c') out.push(categorical(name, spec.categories[f]));
    else if (type === 'int') out.push({ field: { name, type: 'integer' }, kind: 'integer' });
    else if (type === 'i') out.push({ field: { name, type: 'number' }, kind: 'indicator' });
    else out.push({ field: { name, type: 'number' }, kind: 'number' });
  }
  return out;
}

function categorical(name: string, list: CategoryList | undefined): Feature {
  if (list === undefined) return { field: { name, type: 'category' }, kind: 'category-code' };
  const codes = new Map<string | number, number>();
  list.forEach((c, i) => codes.set(c, i));
  const kind = typeof list[0] === 'number' ? 'category-value' : 'category-name';
  return { field: { name, type: 'category', values: list }, kind, codes };
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A decimal number written as text, or undefined. */
function parseDecimal(s: string): number | undefined {
  return DECIMAL.test(s) ? Number(s) : undefined;
}

/**
 * The rows as the evaluators' matrix (see matrix.ts): float32 values, missing as the sentinels.
 * Written into `into` when given (its zero column must be zero), else into a new array.
 */
export function toMatrix(rows: readonly (readonly RawValue[])[], features: readonly Feature[], into?: Float64Array): Float64Array {
  const nf = features.length;
  const width = rowWidth(nf);
  const x = into ?? new Float64Array(rows.length * width);
  const plain = Uint8Array.from(features, (f) => (f.kind === 'number' ? 1 : 0));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length !== nf) throw new RowError(r, features[Math.min(row.length, nf - 1)]?.field.name ?? '', `${nf} values`, `${row.length}`);
    const a = r * width;
    const b = a + nf;
    for (let f = 0; f < nf; f++) {
      const v = row[f]!;
      if (typeof v === 'number' && plain[f] === 1) {
        x[a + f] = x[b + f] = Math.fround(v);
      } else if (v === null) {
        x[a + f] = MISSING_LOW;
        x[b + f] = MISSING_HIGH;
      } else {
        x[a + f] = x[b + f] = Math.fround(convert(v, features[f]!, r));
      }
    }
  }
  return x;
}

/** Everything but a plain number for a Number feature and null. */
function convert(v: number | string | boolean, feature: Feature, row: number): number {
  switch (feature.kind) {
    case 'number': {
      const n = typeof v === 'string' ? parseDecimal(v) : undefined;
      if (n === undefined) throw rowError(row, feature, 'a number', v);
      return n;
    }
    case 'integer': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimal(v) : undefined;
      if (n === undefined || !Number.isInteger(n)) throw rowError(row, feature, 'an integer', v);
      return n;
    }
    case 'indicator': {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return v;
      const lower = v.trim().toLowerCase();
      if (lower === 'true') return 1;
      if (lower === 'false') return 0;
      const n = parseDecimal(v);
      if (n === undefined) throw rowError(row, feature, 'a number or true/false', v);
      return n;
    }
    case 'category-name': {
      const code = feature.codes?.get(typeof v === 'string' ? v : String(v));
      if (code === undefined) throw rowError(row, feature, oneOf(feature), v);
      return code;
    }
    case 'category-value': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimal(v) : undefined;
      const code = n === undefined ? undefined : feature.codes?.get(n);
      if (code === undefined) throw rowError(row, feature, oneOf(feature), v);
      return code;
    }
    case 'category-code': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimal(v) : undefined;
      if (n === undefined || !Number.isInteger(n) || n < 0) throw rowError(row, feature, 'a category code (a whole number ≥ 0)', v);
      return n;
    }
  }
}

function oneOf(feature: Feature): string {
  const values = feature.field.values ?? [];
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v));
  return `one of ${shown.join(', ')}${values.length > 10 ? `, ... (${values.length} categories)` : ''}`;
}

function rowError(row: number, feature: Feature, expected: string, got: number | string | boolean): RowError {
  const text = typeof got === 'string' ? JSON.stringify(got.length > 40 ? `${got.slice(0, 40)}...` : got) : String(got);
  return new RowError(row, feature.field.name, expected, text);
}
