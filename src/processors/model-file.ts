// Reading a model file for a built-in processor: its bytes (for the evaluators that parse the
// file themselves), its identity for the signature (path, sha256, size), and errors that name
// the file and what is wrong with it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from './describe.js';
import { ProcessorStartError } from './runner.js';

/** What the signature says of the model file. */
export interface ModelFileInfo {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Plain words for the errors a model path commonly meets; the system's message otherwise. */
function plainReason(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(e);
}

/** The file a spec's model_path (already local) and model_entry name. */
export async function locateModelFile(modelPath: string | undefined, modelEntry: string | undefined, processor: string): Promise<string> {
  if (modelPath === undefined) throw ProcessorStartError.initialize(`the ${processor} processor needs model_path: the model file to serve`);
  let info;
  try {
    info = await stat(modelPath);
  } catch {
    throw ProcessorStartError.initialize(`model file ${modelPath}: no such file`);
  }
  if (!info.isDirectory()) return modelPath;
  if (modelEntry === undefined) throw ProcessorStartError.initialize(`model_path ${modelPath} is a folder: set model_entry to the model file inside it`);
  return join(modelPath, modelEntry);
}

/** The whole file, with its identity. */
export async function readModelFile(path: string): Promise<{ info: ModelFileInfo; content: Buffer }> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (e) {
    throw ProcessorStartError.initialize(`model file ${path}: ${plainReason(e)}`);
  }
  if (content.byteLength === 0) throw ProcessorStartError.initialize(`model file ${path}: the file is empty`);
  return { info: { file: path, sha256: createHash('sha256').update(content).digest('hex'), bytes: content.byteLength }, content };
}

/**
 * The file's identity only, read as a stream so that a large model another library loads
 * itself is never held in memory here. Rejects with an Error whose message says what is wrong.
 */
export async function describeModelFile(file: string): Promise<ModelFileInfo> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new Error('it is a folder, not an .onnx file (set model_entry to the file inside it)');
    const hash = createHash('sha256');
    await pipeline(createReadStream(file), hash);
    return { file, sha256: hash.digest('hex'), bytes: info.size };
  } catch (e) {
    throw new Error(plainReason(e));
  }
}
