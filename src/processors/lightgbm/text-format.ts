// Reads the text format that LightGBM's Booster.save_model() writes (model versions v2-v4):
//
//   tree / version=v4 / num_class=... / feature_names=... / ...   header, key=value lines
//   Tree=0 / num_leaves=... / split_feature=... / ...               one block per tree
//   end of trees
//   feature_importances: ... / parameters: [key: value] ... / end of parameters
//   pandas_categorical:[[...], ...]                                  added by the Python package
//
// A file cut short is reported as truncated rather than loaded with fewer trees.
import { FormatError } from './format-error.js';
import { parseInteger } from './numbers.js';
import { parseTreeBlock, type TreeSpec } from './tree-block.js';

export type CategoryValue = string | number | boolean;

export interface ModelHeader {
  readonly version: 'v2' | 'v3' | 'v4';
  readonly numClass: number;
  readonly numTreePerIteration: number;
  readonly featureNames: readonly string[];
  /** Per feature: "[min:max]" (numerical), "c1:c2:..." (categorical codes seen) or "none" (unused). */
  readonly featureInfos: readonly string[] | undefined;
  /** The objective line as written ("binary sigmoid:1"); undefined when the model has none (custom objective). */
  readonly objective: string | undefined;
  readonly averageOutput: boolean;
}

export interface ParsedModel {
  readonly header: ModelHeader;
  readonly trees: readonly TreeSpec[];
  /** The training parameters ("[key: value]" lines); empty when the file has none. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The categories of each pandas category column, in column order; undefined when absent or null. */
  readonly pandasCategorical: readonly (readonly CategoryValue[])[] | undefined;
}

const SUPPORTED_VERSIONS = ['v2', 'v3', 'v4'] as const;

/** Splits and checks a model file; throws FormatError naming the first problem found. */
export function parseModelText(bytes: Uint8Array): ParsedModel {
  const lines = decode(bytes).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let i = lines.findIndex((l) => l.trim() !== '');
  if (i < 0) throw new FormatError('the file is empty');
  if (lines[i]!.trim() !== 'tree') {
    const json = lines[i]!.trimStart().startsWith('{') ? " (it looks like JSON: load the text file from Booster.save_model(), not dump_model() output)" : '';
    throw new FormatError(`not a LightGBM text model: no 'tree' header${json}`);
  }

  const headerFields = new Map<string, string>();
  for (i++; i < lines.length && !isTreeStart(lines[i]!) && lines[i]!.trim() !== 'end of trees'; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) headerFields.set(line, '');
    else headerFields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const header = readHeader(headerFields);

  const blocks: { label: string; fields: Map<string, string> }[] = [];
  while (i < lines.length && isTreeStart(lines[i]!)) {
    const block = { label: lines[i]!.trim(), fields: new Map<string, string>() };
    for (i++; i < lines.length && !isTreeStart(lines[i]!) && lines[i]!.trim() !== 'end of trees'; i++) {
      const line = lines[i]!.trim();
      const eq = line.indexOf('=');
      if (eq > 0) block.fields.set(line.slice(0, eq), line.slice(eq + 1));
    }
    blocks.push(block);
  }
  const complete = i < lines.length;
  const trees = blocks.map((b) => {
    try {
      return parseTreeBlock(b.label, b.fields, header.featureNames.length);
    } catch (err) {
      if (err instanceof FormatError && !complete) throw new FormatError(`truncated: ${err.message}`);
      throw err;
    }
  });
  if (!complete) {
    const after = blocks.length > 0 ? ` after ${blocks[blocks.length - 1]!.label}` : '';
    throw new FormatError(`truncated: no 'end of trees' line${after}`);
  }
  checkTreeCount(headerFields.get('tree_sizes'), trees.length, header.numTreePerIteration);

  const tail = lines.slice(i + 1);
  return { header, trees, parameters: readParameters(tail), pandasCategorical: readPandasCategorical(tail) };
}

function decode(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new FormatError('the file is empty');
  if (bytes.subarray(0, 4096).includes(0)) throw new FormatError('not a LightGBM text model: the file is binary');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError('not a LightGBM text model: the file is not UTF-8 text');
  }
}

function isTreeStart(line: string): boolean {
  return line.startsWith('Tree=');
}

function readHeader(fields: ReadonlyMap<string, string>): ModelHeader {
  const version = fields.get('version');
  if (version === undefined) throw new FormatError('the header has no version line');
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    throw new FormatError(`model version '${version}' is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
  }
  const numClass = headerInteger(fields, 'num_class', 1);
  const numTreePerIteration = fields.has('num_tree_per_iteration') ? headerInteger(fields, 'num_tree_per_iteration', 1) : numClass;
  const maxFeatureIdx = headerInteger(fields, 'max_feature_idx', 0);
  const names = fields.get('feature_names');
  if (names === undefined) throw new FormatError('the header has no feature_names');
  const featureNames = names.split(' ').filter((n) => n !== '');
  if (featureNames.length !== maxFeatureIdx + 1) {
    throw new FormatError(`max_feature_idx=${maxFeatureIdx} but feature_names has ${featureNames.length} names`);
  }
  const seen = new Set<string>();
  for (const n of featureNames) {
    if (seen.has(n)) throw new FormatError(`feature name '${n}' appears twice in feature_names`);
    seen.add(n);
  }
  const infos = fields.get('feature_infos')?.split(' ').filter((n) => n !== '');
  if (infos !== undefined && infos.length !== featureNames.length) {
    throw new FormatError(`feature_infos has ${infos.length} entries for ${featureNames.length} features`);
  }
  const objective = fields.get('objective')?.trim();
  return {
    version: version as ModelHeader['version'],
    numClass,
    numTreePerIteration,
    featureNames,
    featureInfos: infos,
    objective: objective === '' ? undefined : objective,
    averageOutput: fields.has('average_output'),
  };
}

function headerInteger(fields: ReadonlyMap<string, string>, key: string, min: number): number {
  const text = fields.get(key);
  if (text === undefined) throw new FormatError(`the header has no ${key}`);
  const v = parseInteger(text);
  if (v === undefined || v < min) throw new FormatError(`${key}=${text} is not an integer ≥ ${min}`);
  return v;
}

function checkTreeCount(treeSizes: string | undefined, count: number, perIteration: number): void {
  if (treeSizes !== undefined) {
    const listed = treeSizes.split(' ').filter((s) => s !== '').length;
    if (count < listed) throw new FormatError(`truncated: tree_sizes lists ${listed} trees but the file holds ${count}`);
    if (count > listed) throw new FormatError(`tree_sizes lists ${listed} trees but the file holds ${count}`);
  }
  if (count === 0) throw new FormatError('the model has no trees');
  if (count % perIteration !== 0) {
    throw new FormatError(`${count} trees is not a multiple of num_tree_per_iteration=${perIteration}`);
  }
}

function readParameters(tail: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  const start = tail.findIndex((l) => l.trim() === 'parameters:');
  if (start < 0) return params;
  let end = start + 1;
  for (; end < tail.length && tail[end]!.trim() !== 'end of parameters'; end++) {
    const m = /^\[([^:\]]+): ?(.*)\]$/.exec(tail[end]!.trim());
    if (m !== null) params.set(m[1]!, m[2]!);
  }
  if (end === tail.length) throw new FormatError("truncated: the parameters section has no 'end of parameters' line");
  return params;
}

const PANDAS_KEY = 'pandas_categorical:';

function readPandasCategorical(tail: readonly string[]): ParsedModel['pandasCategorical'] {
  // The Python package reads the last line (or the one before it); it is always the file's tail.
  const line = tail.findLast((l) => l.trim().startsWith(PANDAS_KEY));
  if (line === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.trim().slice(PANDAS_KEY.length));
  } catch {
    throw new FormatError('pandas_categorical is not valid JSON');
  }
  if (value === null) return undefined;
  const isCategory = (v: unknown): v is CategoryValue => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (!Array.isArray(value) || !value.every((list): list is CategoryValue[] => Array.isArray(list) && list.every(isCategory))) {
    throw new FormatError('pandas_categorical is not a list of category lists (strings, numbers or booleans)');
  }
  return value;
}
