// XGBoost's JSON model text. Some versions (1.7 among them) write non-finite floats as bare
// NaN / Infinity / -Infinity, which JSON.parse rejects; those files get a second parse after
// the tokens outside strings are rewritten: infinities as 1e999 (which parses to Infinity)
// and NaN as the string "NaN", which the model readers take as a NaN number.
import { ModelFormatError } from './format-error.js';

const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?NaN|-?Infinity/g;

/** Rewrites bare NaN / Infinity outside strings into a form JSON.parse accepts. */
export function quoteNonFinite(text: string): string {
  return text.replace(STRING_OR_NON_FINITE, (token) => {
    if (token.startsWith('"')) return token;
    if (token.endsWith('NaN')) return '"NaN"';
    return token.startsWith('-') ? '-1e999' : '1e999';
  });
}

/** Parses a JSON model text (UTF-8 bytes). Throws ModelFormatError when it is not JSON. */
export function parseModelJson(bytes: Uint8Array): unknown {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (first) {
    if (!/NaN|Infinity/.test(text)) throw new ModelFormatError(`invalid JSON: ${(first as Error).message}`);
    try {
      return JSON.parse(quoteNonFinite(text)) as unknown;
    } catch (second) {
      throw new ModelFormatError(`invalid JSON: ${(second as Error).message}`);
    }
  }
}
