// An instance's output.log and its rotated copies, addressed by generation so that readers
// survive rotation: generation R (the number of rotations so far) is output.log, R - k is
// output.log.k. Rotation copies then truncates (the child keeps its O_APPEND descriptor and
// goes on at offset 0); it and every read run under one lock, so a reader never sees a file
// change its generation under it.
import { appendFile, copyFile, open, rename, stat, truncate } from 'node:fs/promises';
import { rotatedLog } from './instance-files.js';
import { LineSplitter } from './line-splitter.js';
import { Mutex } from './mutex.js';

export interface LogPosition {
  generation: number;
  offset: number;
}

export interface LogChunk {
  bytes: Buffer;
  /** Where the next read starts. */
  next: LogPosition;
}

const CHUNK_BYTES = 64 * 1024;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function readAt(path: string, offset: number, length: number): Promise<Buffer> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await file.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function ignoreMissing(op: Promise<void>): Promise<void> {
  try {
    await op;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** True when a comes strictly before b. */
export function before(a: LogPosition, b: LogPosition): boolean {
  return a.generation < b.generation || (a.generation === b.generation && a.offset < b.offset);
}

export class InstanceLog {
  readonly path: string;
  readonly keep: number;
  readonly #lock = new Mutex();
  #rotations = 0;

  constructor(path: string, keep: number) {
    this.path = path;
    this.keep = keep;
  }

  /** Rotations this runtime has made; also the generation of output.log. */
  get rotations(): number {
    return this.#rotations;
  }

  /** The oldest kept byte (rotated files left by an earlier runtime count too). */
  start(): LogPosition {
    return { generation: this.#rotations - this.keep, offset: 0 };
  }

  #fileOf(generation: number): string {
    const k = this.#rotations - generation;
    return k === 0 ? this.path : rotatedLog(this.path, k);
  }

  /** The current end of output.log. */
  end(): Promise<LogPosition> {
    return this.#lock.run(async () => ({ generation: this.#rotations, offset: await sizeOf(this.path) }));
  }

  /**
   * The next bytes from pos on (at most one chunk, never past `until`), moving to newer
   * generations as older ones are exhausted; empty at `until` or at the end of output.log.
   * A position that was rotated away moves to the oldest kept byte.
   */
  read(pos: LogPosition, until?: LogPosition): Promise<LogChunk> {
    return this.#lock.run(async () => {
      const live = this.#rotations;
      let { generation, offset } = pos;
      if (generation < live - this.keep) ({ generation, offset } = this.start());
      if (generation > live) ({ generation, offset } = { generation: live, offset: 0 });
      for (;;) {
        if (until !== undefined && !before({ generation, offset }, until)) return { bytes: Buffer.alloc(0), next: { generation, offset } };
        const file = this.#fileOf(generation);
        const size = await sizeOf(file);
        // Truncated by someone else: start over rather than wait for it to regrow.
        if (generation === live && size < offset) offset = 0;
        const stop = until !== undefined && generation === until.generation ? Math.min(size, until.offset) : size;
        if (offset < stop) {
          const bytes = await readAt(file, offset, Math.min(CHUNK_BYTES, stop - offset));
          return { bytes, next: { generation, offset: offset + bytes.length } };
        }
        if (generation >= live) return { bytes: Buffer.alloc(0), next: { generation, offset } };
        generation += 1;
        offset = 0;
      }
    });
  }

  /** The position from which exactly `lines` lines remain (fewer when less is kept). */
  tail(lines: number): Promise<LogPosition> {
    return this.#lock.run(async () => {
      const live = this.#rotations;
      if (lines <= 0) return { generation: live, offset: await sizeOf(this.path) };
      let counted = 0;
      let first = true;
      for (let generation = live; generation >= live - this.keep; generation--) {
        const file = this.#fileOf(generation);
        let end = await sizeOf(file);
        while (end > 0) {
          const start = Math.max(0, end - CHUNK_BYTES);
          const buf = await readAt(file, start, end - start);
          for (let i = buf.length - 1; i >= 0; i--) {
            // A newline that ends the very last line does not begin another one.
            const skip = first;
            first = false;
            if (buf[i] !== 0x0a || skip) continue;
            counted += 1;
            if (counted === lines) return { generation, offset: start + i + 1 };
          }
          end = start;
        }
      }
      return { generation: live - this.keep, offset: 0 };
    });
  }

  /** The last `n` lines (for lastLogLines when an instance exits). */
  async lastLines(n: number): Promise<string[]> {
    let pos = await this.tail(n);
    const end = await this.end();
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (;;) {
      const { bytes, next } = await this.read(pos, end);
      if (bytes.length === 0) break;
      lines.push(...splitter.push(bytes));
      pos = next;
    }
    const rest = splitter.flush();
    if (rest !== null) lines.push(rest);
    return lines.slice(-n);
  }

  /** Appends `--- easel: <text> ---` on a line of its own. */
  note(text: string): Promise<void> {
    return this.#lock.run(async () => {
      const size = await sizeOf(this.path);
      const lastByte = size === 0 ? null : (await readAt(this.path, size - 1, 1))[0];
      const newline = lastByte === undefined || lastByte === null || lastByte === 0x0a ? '' : '\n';
      await appendFile(this.path, `${newline}--- easel: ${text} ---\n`);
    });
  }

  /** Rotates when output.log is over maxBytes: .1 → .2 …, drop the oldest, copy, truncate. */
  rotateIfLarger(maxBytes: number): Promise<boolean> {
    return this.#lock.run(async () => {
      if ((await sizeOf(this.path)) <= maxBytes) return false;
      if (this.keep > 0) {
        for (let k = this.keep - 1; k >= 1; k--) await ignoreMissing(rename(rotatedLog(this.path, k), rotatedLog(this.path, k + 1)));
        await copyFile(this.path, rotatedLog(this.path, 1));
      }
      await truncate(this.path, 0);
      this.#rotations += 1;
      return true;
    });
  }
}
