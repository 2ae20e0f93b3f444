// The model file's identity for the signature: size and sha256, read as a stream so a large
// model is never held twice in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../describe.js';
import type { ModelFileInfo } from './documents.js';

/** Plain words for the errors a model path commonly meets; the system's message otherwise. */
function plainReason(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(e);
}

/** Size and sha256 of the model file; rejects with an Error whose message says what is wrong. */
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
