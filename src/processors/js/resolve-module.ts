// Finds the module file of a custom processor from processor_path (+ processor_entry).
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessorStartError } from '../runner.js';

const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** processor_path as a local absolute path: a path as is, a file:// URL converted. */
export function localPath(pathOrUrl: string): string {
  if (/^file:\/\//i.test(pathOrUrl)) return fileURLToPath(pathOrUrl);
  return pathOrUrl;
}

async function kindOf(p: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

function isModuleFile(p: string): boolean {
  return MODULE_EXTENSIONS.includes(extname(p).toLowerCase());
}

/** The path inside `dir`, or undefined when `rel` climbs out of it. */
function inside(dir: string, rel: string): string | undefined {
  const p = resolve(dir, rel);
  return p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? p : undefined;
}

/** package.json "main" the way Node reads it: the file, with .js added, or its index.js. */
async function packageMain(dir: string): Promise<{ file?: string; problem?: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8');
  } catch {
    return {};
  }
  let main: unknown;
  try {
    main = (JSON.parse(text) as { main?: unknown } | null)?.main;
  } catch (e) {
    return { problem: `package.json is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (main === undefined) return {};
  if (typeof main !== 'string' || main === '') return { problem: 'package.json "main" must be a non-empty string' };
  const base = inside(dir, main);
  if (base === undefined) return { problem: `package.json "main" (${main}) points outside the processor folder` };
  for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
    if ((await kindOf(candidate)) === 'file') return { file: candidate };
  }
  return { problem: `package.json "main" (${main}) names no file` };
}

/**
 * The module file to import: processor_path itself when it is a .js/.mjs/.cjs file; inside a
 * folder, processor_entry, else package.json "main", else index.js, else index.mjs.
 * Rejects with a ProcessorStartError (phase "load") that says what was looked for.
 */
export async function resolveProcessorModule(processorPath: string, processorEntry: string | undefined): Promise<string> {
  let root: string;
  try {
    root = localPath(processorPath);
  } catch (e) {
    throw ProcessorStartError.load(processorPath, e instanceof Error ? e.message : String(e));
  }
  if (!isAbsolute(root)) throw ProcessorStartError.load(processorPath, 'processor_path must be an absolute path or a file:// URL');
  const kind = await kindOf(root);
  if (kind === 'missing') throw ProcessorStartError.load(processorPath, 'no such file or directory');
  if (kind === 'file') {
    if (processorEntry !== undefined) throw ProcessorStartError.load(processorPath, 'processor_entry applies only when processor_path is a folder');
    if (!isModuleFile(root)) throw ProcessorStartError.load(processorPath, 'not a .js, .mjs or .cjs file');
    return root;
  }

  if (processorEntry !== undefined) {
    const entry = inside(root, processorEntry);
    if (entry === undefined) throw ProcessorStartError.load(processorPath, `processor_entry "${processorEntry}" points outside the folder`);
    const entryKind = await kindOf(entry);
    if (entryKind !== 'file') throw ProcessorStartError.load(processorPath, `processor_entry "${processorEntry}" is not a file in the folder`);
    if (!isModuleFile(entry)) throw ProcessorStartError.load(processorPath, `processor_entry "${processorEntry}" is not a .js, .mjs or .cjs file`);
    return entry;
  }
  const main = await packageMain(root);
  if (main.problem !== undefined) throw ProcessorStartError.load(processorPath, main.problem);
  if (main.file !== undefined) return main.file;
  for (const name of ['index.js', 'index.mjs']) {
    const candidate = join(root, name);
    if ((await kindOf(candidate)) === 'file') return candidate;
  }
  throw ProcessorStartError.load(processorPath, 'the folder has no module: set processor_entry, package.json "main", or add index.js or index.mjs');
}
