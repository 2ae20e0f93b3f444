// `easel modify <svc> -D metadata.instance=3 -D metadata.rpc.keepalive=8000`: dotted keys
// become a nested JSON merge patch. Values are JSON when they parse as JSON (numbers, true,
// false, null, objects, arrays) and strings otherwise, so `-D processor=echo` needs no quotes.
import { UsageError } from './errors.js';
import type { JsonObject } from './spec-file.js';
import { isRecord } from '../contract/json.js';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface Define {
  path: string[];
  value: unknown;
}

export function parseDefineValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Parses one `key.sub=value` argument. */
export function parseDefine(arg: string): Define {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError(`-D ${arg}: expected key=value, e.g. -D metadata.instance=3`);
  const key = arg.slice(0, eq).trim();
  if (/[[\]]/.test(key)) {
    throw new UsageError(`-D ${arg}: items of a list cannot be set one by one (a patch replaces the whole list)`, {
      hint: `give the whole list as JSON, e.g. -D 'containers=[{"script":"python3 server.py"}]', or use -s <file>`,
    });
  }
  const path = key.split('.');
  const bad = path.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) {
    throw new UsageError(`-D ${arg}: ${bad === '' ? 'empty field name' : `"${bad}" is not a field name`} in "${key}"`);
  }
  return { path, value: parseDefineValue(arg.slice(eq + 1)) };
}


/** Builds the nested patch; two -D that set a field and a field inside it conflict. */
export function buildPatch(defines: readonly Define[]): JsonObject {
  const patch: JsonObject = {};
  const keys = new Set<string>();
  for (const { path, value } of defines) {
    const key = path.join('.');
    let node = patch;
    path.forEach((seg, i) => {
      const prefix = path.slice(0, i + 1).join('.');
      if (i === path.length - 1) {
        const earlier = [...keys].find((k) => k === prefix || k.startsWith(`${prefix}.`) || prefix.startsWith(`${k}.`));
        if (earlier !== undefined) throw new UsageError(`-D ${key} conflicts with -D ${earlier}: set each field once`);
        node[seg] = value;
        keys.add(key);
        return;
      }
      const next = node[seg];
      if (next !== undefined && !isRecord(next)) {
        throw new UsageError(`-D ${key} conflicts with -D ${prefix}: set each field once`);
      }
      if (next === undefined) node[seg] = {};
      node = node[seg] as JsonObject;
    });
  }
  return patch;
}

export function parseDefines(args: readonly string[]): JsonObject {
  return buildPatch(args.map(parseDefine));
}
