// Where a model file comes from: a local path, a file:// URL, or an http(s):// URL that is
// downloaded once into <home>/models/ and reused by every instance after. Downloads land in a
// temporary file first and are renamed into place, so a crash never leaves half a model behind
// under its final name; the file is stored by the hash of its content.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { ProcessorStartError } from './runner.js';

export interface ModelSourceOptions {
  /** <home>/models. */
  modelsDir: string;
  /** Largest file accepted. @default 4 GiB */
  maxBytes?: number;
  /** Whole-download deadline. @default 600000 (10 min) */
  timeoutMs?: number;
}

export const MODEL_DOWNLOAD_DEFAULTS = { maxBytes: 4 * 1024 ** 3, timeoutMs: 600_000 } as const;

interface UrlRecord {
  url: string;
  sha256: string;
  file: string;
  bytes: number;
  fetchedAt: string;
}

let downloader: Dispatcher | undefined;

/** One agent that follows redirects (object stores and release pages redirect). */
function dispatcher(): Dispatcher {
  downloader ??= new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));
  return downloader;
}

export function isRemote(modelPath: string): boolean {
  return /^https?:\/\//i.test(modelPath);
}

/** model_path as a local path: file:// decoded, http(s) fetched (or found in the cache). */
export async function localModelPath(modelPath: string, opts: ModelSourceOptions): Promise<string> {
  if (/^file:\/\//i.test(modelPath)) {
    try {
      return fileURLToPath(modelPath);
    } catch (e) {
      throw ProcessorStartError.initialize(`model_path ${modelPath} is not a usable file:// URL: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!isRemote(modelPath)) return modelPath;
  return fetchModel(modelPath, opts);
}

function urlKey(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

/** The file name to keep: the URL's last path segment, or "model" when it has none. */
function fileNameOf(url: string): string {
  const name = basename(new URL(url).pathname);
  return name === '' || name === '/' || name.startsWith('.') ? 'model' : name;
}

async function cached(indexFile: string): Promise<string | undefined> {
  try {
    const record = JSON.parse(await readFile(indexFile, 'utf8')) as UrlRecord;
    const info = await stat(record.file);
    return info.size === record.bytes ? record.file : undefined;
  } catch {
    return undefined;
  }
}

export async function fetchModel(url: string, opts: ModelSourceOptions): Promise<string> {
  const maxBytes = opts.maxBytes ?? MODEL_DOWNLOAD_DEFAULTS.maxBytes;
  const timeoutMs = opts.timeoutMs ?? MODEL_DOWNLOAD_DEFAULTS.timeoutMs;
  const indexDir = join(opts.modelsDir, 'urls');
  const indexFile = join(indexDir, `${urlKey(url)}.json`);
  const hit = await cached(indexFile);
  if (hit !== undefined) return hit;

  const tmpDir = join(opts.modelsDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  await mkdir(indexDir, { recursive: true });
  const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
  const fail = (why: string): ProcessorStartError => ProcessorStartError.initialize(`model_path ${url}: ${why}`);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let res;
    try {
      res = await request(url, { method: 'GET', signal, dispatcher: dispatcher() });
    } catch (e) {
      throw fail(signal.aborted ? `the download did not finish within ${timeoutMs} ms` : `cannot download: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw fail(`the server answered HTTP ${res.statusCode}`);
    }
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      await res.body.dump();
      throw fail(`the file is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const out = createWriteStream(tmp, { flags: 'wx' });
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        bytes += buf.byteLength;
        if (bytes > maxBytes) throw fail(`the file is over the ${maxBytes}-byte limit`);
        hash.update(buf);
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    } catch (e) {
      res.body.destroy();
      if (e instanceof ProcessorStartError) throw e;
      if (Number.isFinite(declared) && bytes < declared && !signal.aborted) throw fail(`truncated download: got ${bytes} of ${declared} bytes`);
      throw fail(signal.aborted ? `the download did not finish within ${timeoutMs} ms` : `the download broke off: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (Number.isFinite(declared) && bytes !== declared) throw fail(`truncated download: got ${bytes} of ${declared} bytes`);
    const sha256 = hash.digest('hex');
    const dir = join(opts.modelsDir, 'sha256', sha256);
    await mkdir(dir, { recursive: true });
    const file = join(dir, fileNameOf(url));
    await rename(tmp, file);
    const record: UrlRecord = { url, sha256, file, bytes, fetchedAt: new Date().toISOString() };
    const indexTmp = `${indexFile}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(indexTmp, JSON.stringify(record));
    await rename(indexTmp, indexFile);
    return file;
  } finally {
    await rm(tmp, { force: true });
  }
}
