// The `cats` container of XGBoost 3.x models: the categories each categorical feature had in
// training, in the order of their codes (a tree's categorical split lists codes). String
// categories are stored as UTF-8 bytes with offsets; numeric ones as a typed value list.
import { type Doc, arrayAt, isDoc, numbersAt, optionalNumbersAt } from './doc-access.js';
import { ModelFormatError } from './format-error.js';
import type { CategoryList } from './spec.js';

const utf8 = new TextDecoder('utf-8');

/** Per feature, its category list, or undefined where the model recorded none. */
export function readCategories(cats: Doc, numFeature: number, path: string): (CategoryList | undefined)[] {
  const enc = arrayAt(cats, 'enc', path);
  const out: (CategoryList | undefined)[] = new Array<CategoryList | undefined>(numFeature).fill(undefined);
  if (enc.length === 0) return out;
  if (enc.length !== numFeature) {
    throw new ModelFormatError(`${path}.enc has ${enc.length} entries for ${numFeature} features`);
  }
  const segments = optionalNumbersAt(cats, 'feature_segments', path);
  for (let f = 0; f < enc.length; f++) {
    const column = enc[f];
    const where = `${path}.enc[${f}]`;
    if (!isDoc(column)) throw new ModelFormatError(`${where} is not an object`);
    const list = column['offsets'] !== undefined ? stringCategories(column, where) : Array.from(numbersAt(column, 'values', where));
    if (segments !== undefined && segments.length === numFeature + 1) {
      const expected = (segments[f + 1] ?? 0) - (segments[f] ?? 0);
      if (expected !== list.length) {
        throw new ModelFormatError(`${where} has ${list.length} categories where feature_segments says ${expected}`);
      }
    }
    out[f] = list.length === 0 ? undefined : list;
  }
  return out;
}

function stringCategories(column: Doc, where: string): string[] {
  const offsets = numbersAt(column, 'offsets', where);
  const values = numbersAt(column, 'values', where);
  // Written as int8, so bytes above 127 come back negative.
  const bytes = Uint8Array.from(values, (b) => b & 0xff);
  const names: string[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    const start = offsets[i] ?? 0;
    const end = offsets[i + 1] ?? 0;
    if (!(start >= 0 && start <= end && end <= bytes.length)) {
      throw new ModelFormatError(`${where}.offsets are out of order or beyond the category bytes`);
    }
    names.push(utf8.decode(bytes.subarray(start, end)));
  }
  return names;
}
