// Reading a service spec file. The server accepts only absolute paths, so relative local paths
// are resolved here against the folder of the file that names them: a spec and its model can
// be moved together and deployed from anywhere.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CliError } from './errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { isRecord } from '../contract/json.js';

export type JsonObject = Record<string, unknown>;

export interface SpecFile {
  /** Absolute path of the file. */
  path: string;
  /** Its folder: what relative paths in it are relative to. */
  dir: string;
  /** The spec with its relative paths resolved. */
  spec: JsonObject;
}


/** True for `http://`, `file://` and any other scheme: URLs are left as written. */
function isUrl(value: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value);
}

function resolveLocal(value: unknown, dir: string): unknown {
  if (typeof value !== 'string' || value === '' || isUrl(value) || isAbsolute(value)) return value;
  return resolve(dir, value);
}

/**
 * Resolves relative `model_path`, `processor_path`, `warm_up_data_path` and `containers[].working_dir` against `dir`,
 * and gives containers without a working_dir that folder, so `"script": "python3 server.py"`
 * finds server.py next to the spec. Returns a copy; values of the wrong type are left for the
 * server to reject with their path.
 */
export function resolveSpecPaths(spec: JsonObject, dir: string): JsonObject {
  const out: JsonObject = { ...spec };
  for (const key of ['model_path', 'processor_path', 'warm_up_data_path'] as const) {
    if (key in out) out[key] = resolveLocal(out[key], dir);
  }
  if (Array.isArray(out.containers)) {
    out.containers = out.containers.map((c: unknown) => {
      if (!isRecord(c)) return c;
      return { ...c, working_dir: c.working_dir === undefined ? dir : resolveLocal(c.working_dir, dir) };
    });
  }
  return out;
}

/** Parses JSON text, reporting a syntax error with file, line and column and the line itself. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    const problem = findJsonSyntaxError(body);
    if (problem === undefined) throw new CliError(`${file}: invalid JSON: ${(err as Error).message}`);
    const caretAt = problem.sourceLine.slice(0, problem.column - 1).replace(/[^\t]/g, ' ');
    throw new CliError(`${file}:${problem.line}:${problem.column}: invalid JSON: ${problem.message}`, {
      details: [`  ${problem.sourceLine}`, `  ${caretAt}^`],
    });
  }
}

/** Reads a (possibly partial) spec file and resolves its relative paths. */
export async function readSpecFile(file: string, cwd = process.cwd()): Promise<SpecFile> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new CliError(`cannot read spec file ${file}: ${why}`);
  }
  const value = parseJsonText(text, file);
  if (!isRecord(value)) {
    throw new CliError(`${file}: a service spec must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  const dir = dirname(path);
  return { path, dir, spec: resolveSpecPaths(value, dir) };
}

/** The service name a spec declares (`name` or `metadata.name`), for messages before the server answers. */
export function declaredName(spec: JsonObject): string | undefined {
  if (typeof spec.name === 'string') return spec.name;
  const meta = spec.metadata;
  return isRecord(meta) && typeof meta.name === 'string' ? meta.name : undefined;
}
