// Reading a model file for a built-in processor: the bytes, their checksum for the signature,
// and errors that name the file and what is wrong with it.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessorStartError } from './runner.js';

export interface ModelFile {
  path: string;
  bytes: Buffer;
  sha256: string;
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

export async function readModelFile(path: string): Promise<ModelFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : String(e);
    throw ProcessorStartError.initialize(`model file ${path}: ${why}`);
  }
  if (bytes.byteLength === 0) throw ProcessorStartError.initialize(`model file ${path}: the file is empty`);
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
