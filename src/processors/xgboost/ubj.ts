// Universal Binary JSON (UBJSON draft 12) as XGBoost writes it: big-endian numbers, object keys
// without an 'S' marker, and strongly typed arrays ([$d#L<count><data>) for the large numeric
// fields. Typed numeric arrays come back as typed arrays (no per-element boxing), everything
// else as plain JSON values; objects have no prototype, so no key can reach Object.prototype.
import { ModelFormatError } from './format-error.js';

export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | UbjObject
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface UbjObject {
  [key: string]: UbjValue;
}

/** Containers nested deeper than this are refused (a model needs about 8). */
const MAX_DEPTH = 100;

const utf8 = new TextDecoder('utf-8');

const BYTE = (c: string): number => c.charCodeAt(0);
const M = {
  objOpen: BYTE('{'),
  objClose: BYTE('}'),
  arrOpen: BYTE('['),
  arrClose: BYTE(']'),
  type: BYTE('$'),
  count: BYTE('#'),
  noop: BYTE('N'),
  null: BYTE('Z'),
  true: BYTE('T'),
  false: BYTE('F'),
  int8: BYTE('i'),
  uint8: BYTE('U'),
  int16: BYTE('I'),
  int32: BYTE('l'),
  int64: BYTE('L'),
  float32: BYTE('d'),
  float64: BYTE('D'),
  highPrecision: BYTE('H'),
  char: BYTE('C'),
  string: BYTE('S'),
} as const;

class UbjReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.#pos >= this.#bytes.length;
  }

  /** Reads one value, skipping no-op markers before it. */
  value(depth: number): UbjValue {
    let marker = this.#byte();
    while (marker === M.noop) marker = this.#byte();
    return this.#typed(marker, depth);
  }

  #typed(marker: number, depth: number): UbjValue {
    switch (marker) {
      case M.objOpen:
        return this.#object(depth + 1);
      case M.arrOpen:
        return this.#array(depth + 1);
      case M.null:
        return null;
      case M.true:
        return true;
      case M.false:
        return false;
      case M.string:
        return this.#string();
      case M.char:
        return String.fromCharCode(this.#byte());
      case M.highPrecision: {
        const at = this.#pos;
        const text = this.#string();
        const n = Number(text);
        if (Number.isNaN(n) && text.trim() !== 'NaN') throw this.#error(`invalid high-precision number "${text}"`, at);
        return n;
      }
      default:
        return this.#number(marker);
    }
  }

  #number(marker: number): number {
    const at = this.#pos - 1;
    switch (marker) {
      case M.int8:
        return this.#view.getInt8(this.#take(1));
      case M.uint8:
        return this.#view.getUint8(this.#take(1));
      case M.int16:
        return this.#view.getInt16(this.#take(2));
      case M.int32:
        return this.#view.getInt32(this.#take(4));
      case M.int64:
        return Number(this.#view.getBigInt64(this.#take(8)));
      case M.float32:
        return this.#view.getFloat32(this.#take(4));
      case M.float64:
        return this.#view.getFloat64(this.#take(8));
      default:
        throw this.#error(`invalid UBJ marker ${describeByte(marker)}`, at);
    }
  }

  /** A length or count: an integer marker and a non-negative value. */
  #length(): number {
    const at = this.#pos;
    const marker = this.#byte();
    if (marker !== M.int8 && marker !== M.uint8 && marker !== M.int16 && marker !== M.int32 && marker !== M.int64) {
      throw this.#error(`expected an integer length, found marker ${describeByte(marker)}`, at);
    }
    const n = this.#number(marker);
    if (n < 0 || !Number.isSafeInteger(n)) throw this.#error(`invalid length ${n}`, at);
    return n;
  }

  #string(): string {
    const n = this.#length();
    const start = this.#take(n);
    return utf8.decode(this.#bytes.subarray(start, start + n));
  }

  /** Optional `$type` and `#count` after a container opens. */
  #header(): { type: number | undefined; count: number | undefined } {
    let type: number | undefined;
    let count: number | undefined;
    if (this.#peek() === M.type) {
      this.#pos++;
      type = this.#byte();
      if (this.#peek() !== M.count) throw this.#error('a typed container needs a count', this.#pos);
    }
    if (this.#peek() === M.count) {
      this.#pos++;
      count = this.#length();
    }
    return { type, count };
  }

  #array(depth: number): UbjValue {
    if (depth > MAX_DEPTH) throw this.#error(`containers nested deeper than ${MAX_DEPTH}`, this.#pos);
    const { type, count } = this.#header();
    if (type !== undefined && count !== undefined) {
      const packed = this.#packed(type, count);
      if (packed !== undefined) return packed;
    }
    const out: UbjValue[] = [];
    if (count !== undefined) {
      // Every element takes at least one byte unless its type is fixed and empty (Z, T, F).
      if (type === undefined && count > this.#bytes.length - this.#pos) throw this.#truncated();
      for (let i = 0; i < count; i++) out.push(type === undefined ? this.value(depth) : this.#typed(type, depth));
      return out;
    }
    for (;;) {
      const marker = this.#byte();
      if (marker === M.arrClose) return out;
      if (marker === M.noop) continue;
      out.push(this.#typed(marker, depth));
    }
  }

  #object(depth: number): UbjValue {
    if (depth > MAX_DEPTH) throw this.#error(`containers nested deeper than ${MAX_DEPTH}`, this.#pos);
    const { type, count } = this.#header();
    const out = Object.create(null) as UbjObject;
    const member = (): void => {
      const key = this.#string();
      out[key] = type === undefined ? this.value(depth) : this.#typed(type, depth);
    };
    if (count !== undefined) {
      if (count > this.#bytes.length - this.#pos) throw this.#truncated();
      for (let i = 0; i < count; i++) member();
      return out;
    }
    for (;;) {
      const next = this.#peek();
      if (next === M.objClose) {
        this.#pos++;
        return out;
      }
      if (next === M.noop) {
        this.#pos++;
        continue;
      }
      member();
    }
  }

  /** A strongly typed numeric array, copied out of the big-endian bytes in one pass. */
  #packed(type: number, count: number): UbjValue | undefined {
    const size = ELEMENT_SIZE.get(type);
    if (size === undefined) return undefined;
    const start = this.#take(size * count);
    const v = this.#view;
    switch (type) {
      case M.int8:
        return new Int8Array(copyBytes(this.#bytes, start, count).buffer);
      case M.uint8:
        return copyBytes(this.#bytes, start, count);
      case M.int16: {
        const out = new Int16Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getInt16(start + 2 * i);
        return out;
      }
      case M.int32: {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getInt32(start + 4 * i);
        return out;
      }
      case M.float32: {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getFloat32(start + 4 * i);
        return out;
      }
      case M.float64: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getFloat64(start + 8 * i);
        return out;
      }
      default: {
        // int64: plain numbers (tree ids, counts) are far below 2^53.
        const out: number[] = new Array<number>(count);
        for (let i = 0; i < count; i++) out[i] = Number(v.getBigInt64(start + 8 * i));
        return out;
      }
    }
  }

  #byte(): number {
    const b = this.#bytes[this.#pos];
    if (b === undefined) throw this.#truncated();
    this.#pos++;
    return b;
  }

  #peek(): number {
    const b = this.#bytes[this.#pos];
    if (b === undefined) throw this.#truncated();
    return b;
  }

  /** Claims n bytes and returns where they start. */
  #take(n: number): number {
    if (n > this.#bytes.length - this.#pos) throw this.#truncated();
    const start = this.#pos;
    this.#pos += n;
    return start;
  }

  #truncated(): ModelFormatError {
    return new ModelFormatError(`truncated UBJ at byte ${this.#pos} (the data ends at byte ${this.#bytes.length})`);
  }

  #error(problem: string, at: number): ModelFormatError {
    return new ModelFormatError(`${problem} at byte ${at} of the UBJ data`);
  }
}

const ELEMENT_SIZE = new Map<number, number>([
  [M.int8, 1],
  [M.uint8, 1],
  [M.int16, 2],
  [M.int32, 4],
  [M.int64, 8],
  [M.float32, 4],
  [M.float64, 8],
]);

/** A copy (a Buffer's slice() would be a view into the file). */
function copyBytes(bytes: Uint8Array, start: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  out.set(bytes.subarray(start, start + count));
  return out;
}

function describeByte(b: number): string {
  const hex = `0x${b.toString(16).padStart(2, '0')}`;
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}' (${hex})` : hex;
}

/** Decodes one UBJ document. Throws ModelFormatError naming the byte where it went wrong. */
export function decodeUbj(bytes: Uint8Array): UbjValue {
  const reader = new UbjReader(bytes);
  const value = reader.value(0);
  if (!reader.done) throw new ModelFormatError('trailing bytes after the UBJ document');
  return value;
}
