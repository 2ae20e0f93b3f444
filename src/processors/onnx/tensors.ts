// Tensor data between JSON and typed arrays: flattening nested `data` against its shape,
// converting each element to the datatype with a precise complaint when it does not fit, and
// turning model outputs back into JSON values.
import { allocate, type TensorData, type V2Datatype } from './datatypes.js';
import { fromFp16Bits, overflowsFp16, toFp16Bits } from './float16.js';
import { describeValue, type Problems } from './problems.js';

/** Product of the dimensions; 1 for a scalar (shape []). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

/** Where element `index` of a tensor is: `data[7]` when it came flat, `data[1][3]` when nested. */
export function elementPath(path: string, index: number, shape: readonly number[], nested: boolean): string {
  if (!nested) return `${path}[${index}]`;
  const parts: number[] = [];
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    parts.push(rest % dim);
    rest = Math.floor(rest / dim);
  }
  return path + parts.reverse().map((i) => `[${i}]`).join('');
}

export interface FlatData {
  readonly values: readonly unknown[];
  /** The request nested the data by dimension, so element paths are nested too. */
  readonly nested: boolean;
}

/**
 * `data` as one row-major list. It may be flat, or nested arrays matching `shape` level by
 * level. Adds a problem and returns undefined when it is neither, or has the wrong size.
 */
export function flattenData(data: unknown, shape: readonly number[], path: string, problems: Problems): FlatData | undefined {
  if (!Array.isArray(data)) {
    problems.add(path, `expected an array, got ${describeValue(data)}`);
    return undefined;
  }
  const count = elementCount(shape);
  if (shape.length > 1 && data.length > 0 && Array.isArray(data[0])) {
    const values: unknown[] = [];
    return collectNested(data, shape, 0, path, values, problems) ? { values, nested: true } : undefined;
  }
  if (data.length !== count) {
    problems.add(path, `holds ${data.length} element(s) but shape ${formatShape(shape)} needs ${count}`);
    return undefined;
  }
  return { values: data as unknown[], nested: false };
}

function collectNested(level: readonly unknown[], shape: readonly number[], axis: number, path: string, out: unknown[], problems: Problems): boolean {
  const dim = shape[axis] ?? 0;
  if (level.length !== dim) {
    problems.add(path, `expected ${dim} item(s) (dimension ${axis} of shape ${formatShape(shape)}), got ${level.length}`);
    return false;
  }
  const last = axis === shape.length - 1;
  for (let i = 0; i < level.length; i++) {
    const item = level[i];
    if (last) {
      out.push(item);
      continue;
    }
    if (!Array.isArray(item)) {
      problems.add(`${path}[${i}]`, `expected an array of ${shape[axis + 1] ?? 0} (dimension ${axis + 1} of shape ${formatShape(shape)}), got ${describeValue(item)}`);
      return false;
    }
    if (!collectNested(item, shape, axis + 1, `${path}[${i}]`, out, problems)) return false;
  }
  return true;
}

interface IntRange {
  readonly min: number;
  readonly max: number;
}

const INT_RANGES: Partial<Readonly<Record<V2Datatype, IntRange>>> = {
  UINT8: { min: 0, max: 255 },
  UINT16: { min: 0, max: 65535 },
  UINT32: { min: 0, max: 4294967295 },
  INT8: { min: -128, max: 127 },
  INT16: { min: -32768, max: 32767 },
  INT32: { min: -2147483648, max: 2147483647 },
};

const BIG_RANGES = {
  INT64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  UINT64: { min: 0n, max: 2n ** 64n - 1n },
} as const;

const FP32_MAX = 3.4028234663852886e38;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const DECIMAL_INTEGER = /^-?\d{1,20}$/;

/** A converted element, or the description of what was expected instead. */
type Converted<T> = { ok: true; v: T } | { ok: false; expected: string };

function floatValue(v: unknown): Converted<number> {
  if (typeof v === 'number') return { ok: true, v };
  if (typeof v === 'string' && Object.hasOwn(SPECIAL_FLOATS, v)) return { ok: true, v: SPECIAL_FLOATS[v] ?? NaN };
  return { ok: false, expected: 'a number' };
}

function bigValue(v: unknown, range: { min: bigint; max: bigint }): Converted<bigint> {
  let big: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return { ok: false, expected: 'an integer' };
    // JSON numbers beyond 2^53 have already lost digits; only a string carries them exactly.
    if (!Number.isSafeInteger(v)) return { ok: false, expected: `an integer within ±${Number.MAX_SAFE_INTEGER} (send larger values as decimal strings)` };
    big = BigInt(v);
  } else if (typeof v === 'string' && DECIMAL_INTEGER.test(v)) {
    big = BigInt(v);
  } else {
    return { ok: false, expected: 'an integer' };
  }
  if (big < range.min || big > range.max) return { ok: false, expected: `an integer from ${range.min} to ${range.max}` };
  return { ok: true, v: big };
}

/**
 * Converts JSON elements to the datatype's typed array. Every element is checked; the first bad
 * one of the tensor is reported (with how many more there are), and the result is then unusable.
 */
export function encodeElements(values: readonly unknown[], datatype: V2Datatype, pathOf: (index: number) => string, problems: Problems): TensorData {
  const out = allocate(datatype, values.length);
  let firstBad: { index: number; expected: string; got: unknown } | undefined;
  let bad = 0;
  const fail = (index: number, expected: string): void => {
    bad++;
    firstBad ??= { index, expected, got: values[index] };
  };
  const intRange = INT_RANGES[datatype];
  if (intRange !== undefined) {
    const ints = out as Int32Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'number' && Number.isInteger(v) && v >= intRange.min && v <= intRange.max) ints[i] = v;
      else fail(i, typeof v === 'number' && Number.isInteger(v) ? `an integer from ${intRange.min} to ${intRange.max}` : 'an integer');
    }
  } else {
    switch (datatype) {
      case 'FP32':
      case 'FP64':
      case 'FP16': {
        const nums = out as Float64Array;
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          // The common case first: a plain finite number, stored without further checks.
          const c = typeof v === 'number' ? { ok: true as const, v } : floatValue(v);
          if (!c.ok) {
            fail(i, c.expected);
          } else if (datatype === 'FP32') {
            if (Number.isFinite(c.v) && !Number.isFinite(Math.fround(c.v))) fail(i, `a number within the FP32 range (±${FP32_MAX})`);
            else nums[i] = c.v;
          } else if (datatype === 'FP16') {
            if (overflowsFp16(c.v)) fail(i, 'a number within the FP16 range (±65504)');
            else nums[i] = toFp16Bits(c.v);
          } else {
            nums[i] = c.v;
          }
        }
        break;
      }
      case 'INT64':
      case 'UINT64': {
        const bigs = out as BigInt64Array;
        const range = BIG_RANGES[datatype];
        for (let i = 0; i < values.length; i++) {
          const c = bigValue(values[i], range);
          if (c.ok) bigs[i] = c.v;
          else fail(i, c.expected);
        }
        break;
      }
      case 'BOOL': {
        const bools = out as Uint8Array;
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v === 'boolean') bools[i] = v ? 1 : 0;
          else fail(i, 'true or false');
        }
        break;
      }
      case 'BYTES': {
        const strings = out as string[];
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v === 'string') strings[i] = v;
          else fail(i, 'a string');
        }
        break;
      }
      default:
        break;
    }
  }
  if (firstBad !== undefined) {
    const more = bad > 1 ? ` (and ${bad - 1} more bad element(s) in this tensor)` : '';
    problems.add(pathOf(firstBad.index), `expected ${firstBad.expected}, got ${describeValue(firstBad.got)}${more}`);
  }
  return out;
}

/** A float as JSON can carry it: the special values become the strings the requests accept. */
function jsonFloat(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A 64-bit integer as a JSON number when exact (|v| ≤ 2^53 − 1), else as a decimal string. */
function jsonBig(v: bigint): number | string {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
}

/** The elements of an output tensor (as onnxruntime returns them) as JSON values. */
export function toJsonValues(data: ArrayLike<unknown>, datatype: V2Datatype): unknown[] {
  const n = data.length;
  const out = new Array<unknown>(n);
  switch (datatype) {
    case 'FP32':
    case 'FP64':
      for (let i = 0; i < n; i++) out[i] = jsonFloat(data[i] as number);
      break;
    case 'FP16':
      for (let i = 0; i < n; i++) out[i] = jsonFloat(fromFp16Bits(data[i] as number));
      break;
    case 'INT64':
    case 'UINT64':
      for (let i = 0; i < n; i++) out[i] = jsonBig(data[i] as bigint);
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = Boolean(data[i]);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = data[i];
  }
  return out;
}
