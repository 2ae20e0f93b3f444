// Typed access to a parsed JSON or UBJ model document, with the document path in every error
// ("learner.gradient_booster.model.trees[3].left_children is missing"). Number arrays may be
// plain arrays (JSON) or typed arrays (UBJ); both come back as ArrayLike<number>.
import { ModelFormatError } from './format-error.js';

export type Doc = Record<string, unknown>;

export function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export function docAt(parent: Doc, key: string, path: string): Doc {
  const v = parent[key];
  if (isDoc(v)) return v;
  throw new ModelFormatError(v === undefined ? `${path}.${key} is missing` : `${path}.${key} is not an object`);
}

export function optionalDoc(parent: Doc, key: string, path: string): Doc | undefined {
  return parent[key] === undefined ? undefined : docAt(parent, key, path);
}

export function stringAt(parent: Doc, key: string, path: string): string {
  const v = parent[key];
  if (typeof v === 'string') return v;
  throw new ModelFormatError(v === undefined ? `${path}.${key} is missing` : `${path}.${key} is not a string`);
}

/** A number stored as a number or, as XGBoost writes parameters, as a decimal string. */
export function numberAt(parent: Doc, key: string, path: string, fallback?: number): number {
  const v = parent[key];
  if (v === undefined && fallback !== undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) {
    throw new ModelFormatError(v === undefined ? `${path}.${key} is missing` : `${path}.${key} is not a number: ${JSON.stringify(v)}`);
  }
  return n;
}

/** A non-negative integer count (num_feature, num_nodes, ...). */
export function countAt(parent: Doc, key: string, path: string, fallback?: number): number {
  const n = numberAt(parent, key, path, fallback);
  if (!Number.isSafeInteger(n) || n < 0) throw new ModelFormatError(`${path}.${key} is not a valid count: ${n}`);
  return n;
}

/** A number array. JSON elements may be numbers, booleans, or "NaN" (see json-text.ts). */
export function numbersAt(parent: Doc, key: string, path: string): ArrayLike<number> {
  const v = parent[key];
  if (v === undefined) throw new ModelFormatError(`${path}.${key} is missing`);
  return toNumbers(v, `${path}.${key}`);
}

export function optionalNumbersAt(parent: Doc, key: string, path: string): ArrayLike<number> | undefined {
  return parent[key] === undefined ? undefined : numbersAt(parent, key, path);
}

export function toNumbers(v: unknown, where: string): ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Array.from(v, Number);
    return v as unknown as ArrayLike<number>;
  }
  if (!Array.isArray(v)) throw new ModelFormatError(`${where} is not an array`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (typeof e === 'number') out[i] = e;
    else if (typeof e === 'boolean') out[i] = e ? 1 : 0;
    else if (e === 'NaN') out[i] = NaN;
    else throw new ModelFormatError(`${where}[${i}] is not a number: ${JSON.stringify(e)}`);
  }
  return out;
}

export function stringsAt(parent: Doc, key: string, path: string): string[] {
  const v = parent[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) {
    throw new ModelFormatError(`${path}.${key} is not an array of strings`);
  }
  return v;
}

export function arrayAt(parent: Doc, key: string, path: string): unknown[] {
  const v = parent[key];
  if (Array.isArray(v)) return v as unknown[];
  throw new ModelFormatError(v === undefined ? `${path}.${key} is missing` : `${path}.${key} is not an array`);
}
