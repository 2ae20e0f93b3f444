// The model's inputs and the conversion of request rows into one Float64Array matrix
// (row-major, model feature order, NaN = missing) before any tree is walked.
//
// Categorical features take the category's index. When the Python package saved the pandas
// categories (pandas_categorical), requests send the category values and they are matched by
// value as pandas does (70.0 == "70", false == "FALSE"); an unseen value becomes NaN, which
// LightGBM sends down the right branch. Without them, requests send the integer codes.
import { RowError, type InputField, type RawValue } from '../tabular/model.js';
import { FormatError } from './format-error.js';
import { parseDecimal, ZERO_THRESHOLD } from './numbers.js';
import type { CategoryValue, ParsedModel } from './text-format.js';
import { CATEGORICAL_MASK } from './tree-block.js';

export interface Feature {
  readonly field: InputField;
  /** number: a numerical feature; code: a categorical feature given as its integer code;
   * category: a categorical feature given as a pandas category value. */
  readonly kind: 'number' | 'code' | 'category';
  /** category: lookup key (see keysOf) → category index. */
  readonly codes: ReadonlyMap<string, number> | undefined;
}

/** The inputs in model order; throws FormatError when pandas_categorical cannot be placed. */
export function describeFeatures(model: ParsedModel): Feature[] {
  const names = model.header.featureNames;
  const categorical = categoricalFeatures(model);
  const pandas = model.pandasCategorical ?? [];
  const byFeature = new Map<number, readonly CategoryValue[]>();
  if (pandas.length > 0) {
    const declared = indexList(model.parameters.get('categorical_feature'), names.length);
    const columns = declared?.length === pandas.length ? declared : categorical.length === pandas.length ? categorical : undefined;
    if (columns === undefined) {
      throw new FormatError(
        `pandas_categorical lists ${pandas.length} category columns but the model has ${categorical.length} categorical features ` +
          `(${categorical.map((i) => names[i]).join(', ') || 'none'}); cannot tell which inputs they belong to`,
      );
    }
    columns.forEach((feature, i) => byFeature.set(feature, pandas[i]!));
  }
  const isCategorical = new Set(categorical);
  return names.map((name, i): Feature => {
    const categories = byFeature.get(i);
    if (categories !== undefined) {
      return { field: { name, type: 'category', values: categories }, kind: 'category', codes: categoryCodes(categories) };
    }
    if (isCategorical.has(i)) return { field: { name, type: 'integer' }, kind: 'code', codes: undefined };
    return { field: { name, type: 'number' }, kind: 'number', codes: undefined };
  });
}

/** Categorical features: declared in the parameters, described as categorical in feature_infos, or split on as such. */
function categoricalFeatures(model: ParsedModel): number[] {
  const set = new Set(indexList(model.parameters.get('categorical_feature'), model.header.featureNames.length) ?? []);
  model.header.featureInfos?.forEach((info, i) => {
    if (info !== 'none' && !info.startsWith('[')) set.add(i);
  });
  for (const tree of model.trees) {
    if (tree.numCat === 0) continue;
    tree.decisionType.forEach((d, n) => {
      if ((d & CATEGORICAL_MASK) !== 0) set.add(tree.splitFeature[n]!);
    });
  }
  return [...set].sort((a, b) => a - b);
}

/** "1,2,6" → [1, 2, 6]; undefined unless every entry is a feature index (the CLI also allows "name:..."). */
function indexList(text: string | undefined, features: number): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out = parts.map(Number);
  return out.every((v, i) => /^\d+$/.test(parts[i]!) && v < features) ? [...new Set(out)].sort((a, b) => a - b) : undefined;
}

/** Lookup keys for a value, most exact first: the text itself, then its number, then its truth value. */
function keysOf(value: CategoryValue): string[] {
  if (typeof value === 'number') return [`n:${value}`];
  // Python's True == 1: a boolean also matches the number it stands for.
  if (typeof value === 'boolean') return [`b:${value}`, `n:${Number(value)}`];
  const keys = [`s:${value}`];
  const n = parseDecimal(value);
  if (n !== undefined && !Number.isNaN(n)) keys.push(`n:${n}`);
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') keys.push(`b:${lower}`);
  return keys;
}

function categoryCodes(categories: readonly CategoryValue[]): Map<string, number> {
  const codes = new Map<string, number>();
  // Exact keys of all categories go first so that "1.0" never hides behind an earlier "1".
  for (const rank of [0, 1, 2]) {
    categories.forEach((c, i) => {
      const key = keysOf(c)[rank];
      if (key !== undefined && !codes.has(key)) codes.set(key, i);
    });
  }
  return codes;
}

function describe(value: RawValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function convert(feature: Feature, value: RawValue, row: number): number {
  if (value === null) return NaN;
  switch (feature.kind) {
    case 'category': {
      for (const key of keysOf(value)) {
        const code = feature.codes!.get(key);
        if (code !== undefined) return code;
      }
      return NaN;
    }
    case 'code': {
      const v = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : parseDecimal(value);
      if (v !== undefined && (Number.isInteger(v) || Number.isNaN(v))) return v;
      throw new RowError(row, feature.field.name, 'an integer category code', describe(value));
    }
    case 'number': {
      const v = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : parseDecimal(value);
      if (v !== undefined) return v;
      throw new RowError(row, feature.field.name, 'a number', describe(value));
    }
  }
}

/** Converts and checks every row; throws RowError for the first value the model cannot take. */
export function toMatrix(rows: readonly (readonly RawValue[])[], features: readonly Feature[]): Float64Array {
  const width = features.length;
  const x = new Float64Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) {
      const field = features[Math.min(row.length, width - 1)]!.field.name;
      throw new RowError(r, field, `${width} values in input order`, `${row.length} values`);
    }
    for (let i = 0; i < width; i++) {
      const v = convert(features[i]!, row[i]!, r);
      // LightGBM's C API stores magnitudes up to its zero threshold as exact zeros.
      x[r * width + i] = v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD ? 0 : v;
    }
  });
  return x;
}
