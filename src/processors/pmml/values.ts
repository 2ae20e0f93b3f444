// Field values by PMML dataType: parsing text (attribute values, CSV cells), converting request
// values, comparing, and printing numbers the way the reference evaluator (Java) prints them.
// Dates are seconds since 1970-01-01 UTC, times seconds since midnight, so predicates and the
// date functions work on plain numbers.
import type { Value } from './model.js';

export type DataType =
  | 'string'
  | 'integer'
  | 'float'
  | 'double'
  | 'boolean'
  | 'date'
  | 'time'
  | 'dateTime'
  | 'dateDaysSince[0]'
  | 'dateDaysSince[1960]'
  | 'dateDaysSince[1970]'
  | 'dateDaysSince[1980]'
  | 'timeSeconds'
  | 'dateTimeSecondsSince[0]'
  | 'dateTimeSecondsSince[1960]'
  | 'dateTimeSecondsSince[1970]'
  | 'dateTimeSecondsSince[1980]';

const DATA_TYPES: ReadonlySet<string> = new Set<DataType>([
  'string',
  'integer',
  'float',
  'double',
  'boolean',
  'date',
  'time',
  'dateTime',
  'dateDaysSince[0]',
  'dateDaysSince[1960]',
  'dateDaysSince[1970]',
  'dateDaysSince[1980]',
  'timeSeconds',
  'dateTimeSecondsSince[0]',
  'dateTimeSecondsSince[1960]',
  'dateTimeSecondsSince[1970]',
  'dateTimeSecondsSince[1980]',
]);

export function isDataType(s: string): s is DataType {
  return DATA_TYPES.has(s);
}

export function isNumericType(t: DataType): boolean {
  return t !== 'string' && t !== 'boolean';
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/;

/** Java-style number text: decimal or exponent form, NaN, Infinity. Undefined when not a number. */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (NUMBER.test(s)) return Number(s.replace(/[dDfF]$/, ''));
  switch (s) {
    case 'NaN':
      return NaN;
    case 'Infinity':
    case '+Infinity':
    case 'INF':
      return Infinity;
    case '-Infinity':
    case '-INF':
      return -Infinity;
    default:
      return undefined;
  }
}

const DAY = 86400;

/** Seconds from 1970-01-01 to January 1st of `year` (UTC). */
export function yearStart(year: number): number {
  return epochSeconds(year, 1, 1, 0, 0, 0);
}

const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;

function epochSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, 0, 0);
  return t.getTime() / 1000 + s;
}

function parseDate(s: string): number | undefined {
  const m = DATE.exec(s);
  if (m === null) return undefined;
  return epochSeconds(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0);
}

function parseTime(s: string): number | undefined {
  const m = TIME.exec(s);
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function parseDateTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s);
  if (m === null) return parseDate(s);
  let t = epochSeconds(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return t;
}

function parseBoolean(s: string): boolean | undefined {
  switch (s.trim().toLowerCase()) {
    case 'true':
    case '1':
    case '1.0':
      return true;
    case 'false':
    case '0':
    case '0.0':
      return false;
    default:
      return undefined;
  }
}

/** Text (an attribute value, a CSV cell) as a value of `type`; undefined when it is not one. */
export function parseText(type: DataType, text: string): Value | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'double':
      return parseNumber(text);
    case 'float': {
      const n = parseNumber(text);
      return n === undefined ? undefined : Math.fround(n);
    }
    case 'integer': {
      const n = parseNumber(text);
      return n !== undefined && Number.isInteger(n) ? n : undefined;
    }
    case 'boolean':
      return parseBoolean(text);
    case 'date':
      return parseDate(text.trim());
    case 'time':
      return parseTime(text.trim());
    case 'dateTime':
      return parseDateTime(text.trim());
    default: {
      // dateDaysSince[...] and friends hold plain numbers, or dates to convert.
      const n = parseNumber(text);
      if (n !== undefined) return n;
      const since = /\[(\d+)\]$/.exec(type);
      const base = since === null ? 0 : yearStart(Number(since[1]));
      const t = type.startsWith('dateDays') ? parseDate(text.trim()) : type === 'timeSeconds' ? parseTime(text.trim()) : parseDateTime(text.trim());
      if (t === undefined) return undefined;
      if (type === 'timeSeconds') return t;
      return type.startsWith('dateDays') ? Math.floor((t - base) / DAY) : t - base;
    }
  }
}

/** A value of any kind (request value, expression result) as a value of `type`; undefined when it is not one. */
export function coerce(type: DataType, v: Exclude<Value, null>): Value | undefined {
  if (typeof v === 'string') return parseText(type, v);
  if (typeof v === 'number') {
    switch (type) {
      case 'string':
        return formatNumber(v, false);
      case 'boolean':
        return v === 1 ? true : v === 0 ? false : undefined;
      case 'integer':
        return Number.isInteger(v) ? v : undefined;
      case 'float':
        return Math.fround(v);
      default:
        return v;
    }
  }
  switch (type) {
    case 'boolean':
      return v;
    case 'string':
      return String(v);
    case 'integer':
    case 'float':
    case 'double':
      return v ? 1 : 0;
    default:
      return undefined;
  }
}

/** A value as text: integers without a fraction, other numbers as Java prints a double. */
export function valueText(v: Exclude<Value, null>): string {
  return typeof v === 'number' ? formatNumber(v, false) : String(v);
}

/** Java's Double.toString (or Long.toString for integral values when `asDouble` is false). */
export function formatNumber(x: number, asDouble: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(x) && !asDouble && Math.abs(x) < 1e21) return x.toFixed(0);
  const a = Math.abs(x);
  if (a === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = '0'] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** Equality as PMML compares field values: numbers by value, everything else exactly. */
export function valuesEqual(a: Exclude<Value, null>, b: Exclude<Value, null>): boolean {
  if (a === b) return true;
  if (typeof a === typeof b) return false;
  const x = toNumber(a);
  const y = toNumber(b);
  return x !== undefined && y !== undefined && x === y;
}

/** Ordering for lessThan & co: numbers by value, strings lexically; undefined when not comparable. */
export function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A value as a number where it is one (numeric text included, booleans as 1/0). */
export function toNumber(v: Exclude<Value, null>): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return parseNumber(v);
}

/** A key for maps of categories: the canonical text of the value (1 and "1.0" of a double field meet). */
export function categoryKey(v: Exclude<Value, null>): string {
  return typeof v === 'number' ? formatNumber(v, false) : String(v);
}
