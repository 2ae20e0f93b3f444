// The XGBoost evaluator: JSON and UBJ model files from XGBoost 1.0 to 3.x and legacy binary
// files (before 1.0, and deprecated in 1.x/2.x), compiled once into flat typed arrays.
import { ModelLoadError, type TabularModel } from '../tabular/model.js';
import { ModelFormatError } from './format-error.js';
import { parseModelJson } from './json-text.js';
import { looksLikeLegacyBinary, readLegacyBinary } from './legacy-binary.js';
import { type XgboostOptions, XgboostModel } from './model.js';
import { readDocument } from './read-document.js';
import type { ModelSpec } from './spec.js';
import { decodeUbj } from './ubj.js';

export type { XgboostOptions } from './model.js';

/**
 * Loads an XGBoost model file. Throws ModelLoadError naming the file and the problem when the
 * bytes are not a model this evaluator can run.
 */
export function loadXgboostModel(bytes: Uint8Array, file: string, options?: XgboostOptions): TabularModel {
  try {
    return new XgboostModel(readModelSpec(bytes), options);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelLoadError(file, e.message);
    // A malformed file can still upset a reader in a way it did not foresee.
    if (e instanceof RangeError || e instanceof TypeError) throw new ModelLoadError(file, `unreadable model: ${e.message}`);
    throw e;
  }
}

const UBJ_AFTER_OPEN = new Set([...'iUIlL$#N}'].map((c) => c.charCodeAt(0)));

/** Tells the format from the first bytes and reads the file into a ModelSpec. */
function readModelSpec(bytes: Uint8Array): ModelSpec {
  if (bytes.length === 0) throw new ModelFormatError('the file is empty');
  // A UBJ document opens with '{' and a length marker; JSON with '{' and whitespace or '"'.
  if (bytes[0] === 0x7b && UBJ_AFTER_OPEN.has(bytes[1] ?? 0)) return readDocument(decodeUbj(bytes), 'ubj');
  const first = firstNonSpace(bytes);
  if (first === 0x7b) return readDocument(parseModelJson(bytes), 'json');
  if (first === 0x5b || first === 0x22) throw new ModelFormatError('not an XGBoost model: a JSON document that is not an object');
  if (bytes[0] === 0x62 && bytes[1] === 0x73 && bytes[2] === 0x36 && bytes[3] === 0x34) {
    throw new ModelFormatError('base64 ("bs64") model files are not supported; save the model as JSON or UBJ');
  }
  if (looksLikeLegacyBinary(bytes)) return readLegacyBinary(bytes);
  throw new ModelFormatError('not an XGBoost model: expected JSON, UBJ or legacy binary');
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  let i = 0;
  // UTF-8 byte order mark.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i];
}
