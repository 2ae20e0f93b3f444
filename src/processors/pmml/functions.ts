// The built-in functions of <Apply>. Each takes its evaluated arguments; by the PMML rule a
// missing argument makes the result missing, so functions see only present values unless they
// are marked as handling missing values themselves (isMissing, if, ...), which Apply compiles apart.
import type { Value } from './model.js';
import { formatDatetime, formatNumberPattern } from './format.js';
import { compareValues, toNumber, valuesEqual, valueText, yearStart } from './values.js';

type Present = Exclude<Value, null>;

export interface BuiltIn {
  readonly min: number;
  /** Most arguments; Infinity for variadic functions. */
  readonly max: number;
  readonly fn: (args: readonly Present[]) => Value;
}

function num(v: Present): number {
  const n = toNumber(v);
  // A value that is not a number makes the result NaN, reported as missing.
  return n === undefined ? NaN : n;
}

function str(v: Present): string {
  return typeof v === 'string' ? v : valueText(v);
}

function bool(v: Present): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return v === 'true' || v === '1';
}

function unary(f: (x: number) => number): BuiltIn {
  return { min: 1, max: 1, fn: (a) => f(num(a[0] as Present)) };
}

function binary(f: (x: number, y: number) => number): BuiltIn {
  return { min: 2, max: 2, fn: (a) => f(num(a[0] as Present), num(a[1] as Present)) };
}

function compare(test: (c: number) => boolean): BuiltIn {
  return {
    min: 2,
    max: 2,
    fn: (a) => {
      const c = compareValues(a[0] as Present, a[1] as Present);
      return c === undefined ? null : test(c);
    },
  };
}

function numbers(args: readonly Present[]): number[] {
  return args.map(num);
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function stdDev(xs: number[], sample: boolean): number {
  const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
  const ss = xs.reduce((p, q) => p + (q - mean) * (q - mean), 0);
  return Math.sqrt(ss / (sample ? xs.length - 1 : xs.length));
}

/** Error function: its Taylor series near zero, the complementary continued fraction further out (both to ~1e-14). */
export function erf(x: number): number {
  if (Math.abs(x) < 2.5) return erfSeries(x);
  return x > 0 ? 1 - erfcFraction(x) : erfcFraction(-x) - 1;
}

export function erfc(x: number): number {
  if (Math.abs(x) < 2.5) return 1 - erfSeries(x);
  return x > 0 ? erfcFraction(x) : 2 - erfcFraction(-x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

// erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) by the modified Lentz method.
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export function stdNormalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export function stdNormalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Inverse of the standard normal CDF (Acklam's algorithm refined by one Halley step). */
export function stdNormalIdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const at = (arr: number[], i: number): number => arr[i] as number;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) / ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q) /
      (((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) / ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1);
  }
  const e = stdNormalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

const DAY = 86400;

function javaRegex(pattern: string): RegExp {
  return new RegExp(pattern, 'g');
}

export const BUILT_INS: ReadonlyMap<string, BuiltIn> = new Map<string, BuiltIn>([
  ['+', { min: 2, max: Infinity, fn: (a) => numbers(a).reduce((p, q) => p + q) }],
  ['-', binary((x, y) => x - y)],
  ['*', { min: 2, max: Infinity, fn: (a) => numbers(a).reduce((p, q) => p * q) }],
  ['/', binary((x, y) => x / y)],
  ['modulo', binary((x, y) => x - y * Math.floor(x / y))],
  ['min', { min: 1, max: Infinity, fn: (a) => Math.min(...numbers(a)) }],
  ['max', { min: 1, max: Infinity, fn: (a) => Math.max(...numbers(a)) }],
  ['sum', { min: 1, max: Infinity, fn: (a) => numbers(a).reduce((p, q) => p + q, 0) }],
  ['avg', { min: 1, max: Infinity, fn: (a) => numbers(a).reduce((p, q) => p + q, 0) / a.length }],
  ['median', { min: 1, max: Infinity, fn: (a) => median(numbers(a)) }],
  ['product', { min: 1, max: Infinity, fn: (a) => numbers(a).reduce((p, q) => p * q, 1) }],
  ['stdDev', { min: 1, max: Infinity, fn: (a) => stdDev(numbers(a), true) }],
  ['log10', unary(Math.log10)],
  ['ln', unary(Math.log)],
  ['ln1p', unary(Math.log1p)],
  ['sqrt', unary(Math.sqrt)],
  ['abs', unary(Math.abs)],
  ['exp', unary(Math.exp)],
  ['expm1', unary(Math.expm1)],
  ['pow', binary(Math.pow)],
  ['hypot', binary(Math.hypot)],
  ['threshold', binary((x, y) => (x > y ? 1 : 0))],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['round', unary(Math.round)],
  ['rint', unary((x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)))],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['asin', unary(Math.asin)],
  ['acos', unary(Math.acos)],
  ['atan', unary(Math.atan)],
  ['atan2', binary(Math.atan2)],
  ['sinh', unary(Math.sinh)],
  ['cosh', unary(Math.cosh)],
  ['tanh', unary(Math.tanh)],
  ['erf', unary(erf)],
  ['normalCDF', { min: 3, max: 3, fn: (a) => stdNormalCdf((num(a[0] as Present) - num(a[1] as Present)) / num(a[2] as Present)) }],
  ['normalPDF', { min: 3, max: 3, fn: (a) => stdNormalPdf((num(a[0] as Present) - num(a[1] as Present)) / num(a[2] as Present)) / num(a[2] as Present) }],
  ['normalIDF', { min: 3, max: 3, fn: (a) => num(a[1] as Present) + num(a[2] as Present) * stdNormalIdf(num(a[0] as Present)) }],
  ['stdNormalCDF', unary(stdNormalCdf)],
  ['stdNormalPDF', unary(stdNormalPdf)],
  ['stdNormalIDF', unary(stdNormalIdf)],
  ['equal', { min: 2, max: 2, fn: (a) => valuesEqual(a[0] as Present, a[1] as Present) }],
  ['notEqual', { min: 2, max: 2, fn: (a) => !valuesEqual(a[0] as Present, a[1] as Present) }],
  ['lessThan', compare((c) => c < 0)],
  ['lessOrEqual', compare((c) => c <= 0)],
  ['greaterThan', compare((c) => c > 0)],
  ['greaterOrEqual', compare((c) => c >= 0)],
  ['and', { min: 2, max: Infinity, fn: (a) => a.every(bool) }],
  ['or', { min: 2, max: Infinity, fn: (a) => a.some(bool) }],
  ['xor', { min: 2, max: Infinity, fn: (a) => a.filter(bool).length % 2 === 1 }],
  ['not', { min: 1, max: 1, fn: (a) => !bool(a[0] as Present) }],
  ['isIn', { min: 2, max: Infinity, fn: (a) => a.slice(1).some((v) => valuesEqual(a[0] as Present, v)) }],
  ['isNotIn', { min: 2, max: Infinity, fn: (a) => !a.slice(1).some((v) => valuesEqual(a[0] as Present, v)) }],
  ['uppercase', { min: 1, max: 1, fn: (a) => str(a[0] as Present).toUpperCase() }],
  ['lowercase', { min: 1, max: 1, fn: (a) => str(a[0] as Present).toLowerCase() }],
  ['stringLength', { min: 1, max: 1, fn: (a) => str(a[0] as Present).length }],
  [
    'substring',
    {
      min: 3,
      max: 3,
      fn: (a) => {
        const s = str(a[0] as Present);
        const start = Math.max(1, num(a[1] as Present));
        return s.slice(start - 1, start - 1 + Math.max(0, num(a[2] as Present)));
      },
    },
  ],
  ['trimBlanks', { min: 1, max: 1, fn: (a) => str(a[0] as Present).trim() }],
  ['concat', { min: 1, max: Infinity, fn: (a) => a.map(str).join('') }],
  ['replace', { min: 3, max: 3, fn: (a) => str(a[0] as Present).replace(javaRegex(str(a[1] as Present)), str(a[2] as Present)) }],
  ['matches', { min: 2, max: 2, fn: (a) => new RegExp(str(a[1] as Present)).test(str(a[0] as Present)) }],
  ['formatNumber', { min: 2, max: 2, fn: (a) => formatNumberPattern(num(a[0] as Present), str(a[1] as Present)) }],
  ['formatDatetime', { min: 2, max: 2, fn: (a) => formatDatetime(num(a[0] as Present), str(a[1] as Present)) }],
  ['dateDaysSinceYear', { min: 2, max: 2, fn: (a) => Math.floor((num(a[0] as Present) - yearStart(num(a[1] as Present))) / DAY) }],
  ['dateSecondsSinceYear', { min: 2, max: 2, fn: (a) => Math.floor(num(a[0] as Present) - yearStart(num(a[1] as Present))) }],
  ['dateSecondsSinceMidnight', { min: 1, max: 1, fn: (a) => Math.floor((((num(a[0] as Present) % DAY) + DAY) % DAY)) }],
]);

/** Functions that see missing arguments themselves instead of turning missing by the general rule. */
export const MISSING_AWARE: ReadonlySet<string> = new Set(['isMissing', 'isNotMissing', 'isValid', 'isNotValid', 'if', 'coalesce']);
