// Expression elements compiled to closures over a Scope: Constant, FieldRef, NormContinuous,
// NormDiscrete, Discretize, MapValues, Apply (built-in and DefineFunction functions). Field
// names are resolved here, once; a closure reads a slot.
import type { Scope, Value } from './model.js';
import { inInterval, isValidValue, parseInterval, PmmlError, type DataField, type FieldDef } from './fields.js';
import { BUILT_INS, MISSING_AWARE } from './functions.js';
import { categoryKey, coerce, isDataType, parseNumber, parseText, type DataType } from './values.js';
import { child, childrenNamed, type XmlElement } from './xml.js';

export type Expr = (scope: Scope) => Value;

export interface FieldBinding {
  readonly read: Expr;
  readonly def: FieldDef;
  /** The DataDictionary field behind the name, for isValid. */
  readonly data?: DataField;
}

export interface UserFunction {
  readonly name: string;
  readonly arity: number;
  call(args: readonly Value[]): Value;
}

/** Where an expression resolves names: the fields of its model level, or a function's parameters. */
export interface ExprContext {
  /** The field named `name`; throws a PmmlError when none is visible. */
  field(name: string): FieldBinding;
  func(name: string): UserFunction | undefined;
}

export interface CompiledExpr {
  readonly eval: Expr;
  /** The result's dataType where the expression fixes it. */
  readonly dataType: DataType | undefined;
}

export function attr(el: XmlElement, name: string): string {
  const v = el.attrs[name];
  if (v === undefined) throw new PmmlError(`${el.name} has no ${name} attribute`);
  return v;
}

/** An attribute value (mapMissingTo, defaultValue) typed by `dataType`, or inferred: a number where it reads as one. */
export function typedConstant(text: string | undefined, dataType: DataType | undefined): Value {
  if (text === undefined) return null;
  if (dataType !== undefined) {
    const v = parseText(dataType, text);
    if (v === undefined) throw new PmmlError(`"${text}" is not a ${dataType}`);
    return v;
  }
  return parseNumber(text) ?? text;
}

export function dataTypeAttr(el: XmlElement): DataType | undefined {
  const t = el.attrs['dataType'];
  if (t === undefined) return undefined;
  if (!isDataType(t)) throw new PmmlError(`${el.name} has unknown dataType "${t}"`);
  return t;
}

export function compileExpression(el: XmlElement, ctx: ExprContext): CompiledExpr {
  switch (el.name) {
    case 'Constant':
      return constant(el);
    case 'FieldRef':
      return fieldRef(el, ctx);
    case 'NormContinuous':
      return normContinuous(el, ctx);
    case 'NormDiscrete':
      return normDiscrete(el, ctx);
    case 'Discretize':
      return discretize(el, ctx);
    case 'MapValues':
      return mapValues(el, ctx);
    case 'Apply':
      return apply(el, ctx);
    case 'Aggregate':
    case 'Lag':
    case 'TextIndex':
      throw new PmmlError(`the ${el.name} expression is not supported`);
    default:
      throw new PmmlError(`${el.name} is not an expression`);
  }
}

/** The one expression child of a DerivedField, OutputField or DefineFunction. */
export function expressionChild(el: XmlElement): XmlElement | undefined {
  return el.children.find((c) => EXPRESSIONS.has(c.name));
}

export const EXPRESSIONS: ReadonlySet<string> = new Set(['Constant', 'FieldRef', 'NormContinuous', 'NormDiscrete', 'Discretize', 'MapValues', 'Apply', 'Aggregate', 'Lag', 'TextIndex']);

function constant(el: XmlElement): CompiledExpr {
  const dataType = dataTypeAttr(el);
  if (el.attrs['missing'] === 'true') return { eval: () => null, dataType };
  const text = dataType === 'string' ? el.text : el.text.trim();
  const v = dataType === undefined ? (parseNumber(text) ?? text) : typedConstant(text, dataType);
  return { eval: () => v, dataType: dataType ?? (typeof v === 'number' ? 'double' : 'string') };
}

function withMissing(read: Expr, missing: Value): Expr {
  return missing === null ? read : (s) => read(s) ?? missing;
}

function fieldRef(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const f = ctx.field(attr(el, 'field'));
  const missing = typedConstant(el.attrs['mapMissingTo'], f.def.dataType);
  return { eval: withMissing(f.read, missing), dataType: f.def.dataType };
}

function toNum(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return parseNumber(v) ?? null;
}

function normContinuous(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const read = ctx.field(attr(el, 'field')).read;
  const missing = toNum(typedConstant(el.attrs['mapMissingTo'], 'double'));
  const outliers = el.attrs['outliers'] ?? 'asIs';
  const pts = childrenNamed(el, 'LinearNorm').map((n) => ({ orig: Number(attr(n, 'orig')), norm: Number(attr(n, 'norm')) }));
  if (pts.length < 2) throw new PmmlError('NormContinuous needs at least two LinearNorm points');
  pts.sort((a, b) => a.orig - b.orig);
  const orig = Float64Array.from(pts, (p) => p.orig);
  const norm = Float64Array.from(pts, (p) => p.norm);
  const last = orig.length - 1;
  const lerp = (i: number, x: number): number => {
    const o0 = orig[i] as number;
    const n0 = norm[i] as number;
    return n0 + ((x - o0) / ((orig[i + 1] as number) - o0)) * ((norm[i + 1] as number) - n0);
  };
  return {
    dataType: 'double',
    eval: (s) => {
      const x = toNum(read(s));
      if (x === null) return missing;
      if (x < (orig[0] as number)) {
        if (outliers === 'asMissingValues') return null;
        if (outliers === 'asExtremeValues') return norm[0] as number;
        return lerp(0, x);
      }
      if (x > (orig[last] as number)) {
        if (outliers === 'asMissingValues') return null;
        if (outliers === 'asExtremeValues') return norm[last] as number;
        return lerp(last - 1, x);
      }
      let i = 0;
      while (i < last - 1 && x > (orig[i + 1] as number)) i++;
      return lerp(i, x);
    },
  };
}

function normDiscrete(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const f = ctx.field(attr(el, 'field'));
  const target = parseText(f.def.dataType, attr(el, 'value'));
  if (target === undefined || target === null) throw new PmmlError(`NormDiscrete value "${el.attrs['value']}" is not a ${f.def.dataType}`);
  const key = categoryKey(target);
  const missing = toNum(typedConstant(el.attrs['mapMissingTo'], 'double'));
  const read = f.read;
  return {
    dataType: 'double',
    eval: (s) => {
      const v = read(s);
      if (v === null) return missing;
      return v === target || categoryKey(v) === key ? 1 : 0;
    },
  };
}

function discretize(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const read = ctx.field(attr(el, 'field')).read;
  const dataType = dataTypeAttr(el);
  const missing = typedConstant(el.attrs['mapMissingTo'], dataType);
  const fallback = typedConstant(el.attrs['defaultValue'], dataType);
  const bins = childrenNamed(el, 'DiscretizeBin').map((b) => {
    const iv = child(b, 'Interval');
    if (iv === undefined) throw new PmmlError('DiscretizeBin has no Interval');
    return { interval: parseInterval(iv), value: typedConstant(attr(b, 'binValue'), dataType) };
  });
  return {
    dataType,
    eval: (s) => {
      const x = toNum(read(s));
      if (x === null) return missing;
      for (const b of bins) if (inInterval(b.interval, x)) return b.value;
      return fallback;
    },
  };
}

/** The text of a column cell in an InlineTable row: a child element, or an attribute. */
function cell(row: XmlElement, column: string): string | undefined {
  const c = child(row, column);
  if (c !== undefined) return c.text.trim();
  return row.attrs[column];
}

function mapValues(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const dataType = dataTypeAttr(el);
  const missing = typedConstant(el.attrs['mapMissingTo'], dataType);
  const fallback = typedConstant(el.attrs['defaultValue'], dataType);
  const output = attr(el, 'outputColumn');
  const pairs = childrenNamed(el, 'FieldColumnPair').map((p) => ({ field: ctx.field(attr(p, 'field')), column: attr(p, 'column') }));
  const table = child(el, 'InlineTable');
  if (table === undefined) throw new PmmlError(child(el, 'TableLocator') !== undefined ? 'MapValues with a TableLocator is not supported' : 'MapValues has no InlineTable');
  const lookup = new Map<string, Value>();
  for (const row of childrenNamed(table, 'row')) {
    const keys: string[] = [];
    let complete = true;
    for (const p of pairs) {
      const text = cell(row, p.column);
      const v = text === undefined ? undefined : parseText(p.field.def.dataType, text);
      if (v === undefined || v === null) {
        complete = false;
        break;
      }
      keys.push(categoryKey(v));
    }
    const out = cell(row, output);
    const key = keys.join('\u0000');
    if (complete && out !== undefined && !lookup.has(key)) lookup.set(key, typedConstant(out, dataType));
  }
  const reads = pairs.map((p) => p.field.read);
  return {
    dataType,
    eval: (s) => {
      let key = '';
      for (let i = 0; i < reads.length; i++) {
        const v = (reads[i] as Expr)(s);
        if (v === null) return missing;
        key = i === 0 ? categoryKey(v) : `${key}\u0000${categoryKey(v)}`;
      }
      const hit = lookup.get(key);
      return hit === undefined ? fallback : hit;
    },
  };
}

function apply(el: XmlElement, ctx: ExprContext): CompiledExpr {
  const name = attr(el, 'function');
  const argEls = el.children.filter((c) => EXPRESSIONS.has(c.name));
  const args = argEls.map((a) => compileExpression(a, ctx));
  const evals = args.map((a) => a.eval);
  const missing = typedConstant(el.attrs['mapMissingTo'], undefined);
  const fallback = typedConstant(el.attrs['defaultValue'], undefined);
  const invalidAsMissing = el.attrs['invalidValueTreatment'] === 'asMissing';
  const finish = (v: Value): Value => {
    if (v === null) return fallback;
    if (typeof v === 'number' && Number.isNaN(v) && invalidAsMissing) return fallback;
    return v;
  };
  if (MISSING_AWARE.has(name)) return { eval: missingAware(name, argEls, evals, ctx, finish), dataType: name === 'if' ? args[1]?.dataType : name === 'coalesce' ? args[0]?.dataType : 'boolean' };

  const user = ctx.func(name);
  if (user !== undefined) {
    if (user.arity !== evals.length) throw new PmmlError(`function ${name} takes ${user.arity} arguments, Apply gives ${evals.length}`);
    const buf = new Array<Value>(evals.length).fill(null);
    return {
      dataType: undefined,
      eval: (s) => {
        for (let i = 0; i < evals.length; i++) buf[i] = (evals[i] as Expr)(s);
        return finish(user.call(buf));
      },
    };
  }
  const builtIn = BUILT_INS.get(name);
  if (builtIn === undefined) throw new PmmlError(`unknown function "${name}"`);
  if (evals.length < builtIn.min || evals.length > builtIn.max) {
    throw new PmmlError(`function ${name} takes ${builtIn.min === builtIn.max ? builtIn.min : `${builtIn.min} or more`} arguments, Apply gives ${evals.length}`);
  }
  const fn = builtIn.fn;
  const buf = new Array<Exclude<Value, null>>(evals.length).fill(0);
  return {
    dataType: resultType(name, args),
    eval: (s) => {
      for (let i = 0; i < evals.length; i++) {
        const v = (evals[i] as Expr)(s);
        if (v === null) return missing === null ? fallback : missing;
        buf[i] = v;
      }
      return finish(fn(buf));
    },
  };
}

const BOOLEAN_FUNCTIONS = new Set(['equal', 'notEqual', 'lessThan', 'lessOrEqual', 'greaterThan', 'greaterOrEqual', 'and', 'or', 'xor', 'not', 'isIn', 'isNotIn', 'matches']);
const STRING_FUNCTIONS = new Set(['uppercase', 'lowercase', 'substring', 'trimBlanks', 'concat', 'replace', 'formatNumber', 'formatDatetime']);
const INTEGER_FUNCTIONS = new Set(['floor', 'ceil', 'round', 'dateDaysSinceYear', 'dateSecondsSinceYear', 'dateSecondsSinceMidnight', 'stringLength', 'threshold']);

function resultType(name: string, args: readonly CompiledExpr[]): DataType | undefined {
  if (BOOLEAN_FUNCTIONS.has(name)) return 'boolean';
  if (STRING_FUNCTIONS.has(name)) return 'string';
  if (INTEGER_FUNCTIONS.has(name)) return 'integer';
  if ((name === '+' || name === '-' || name === '*' || name === 'min' || name === 'max' || name === 'sum') && args.every((a) => a.dataType === 'integer')) return 'integer';
  return 'double';
}

function missingAware(name: string, argEls: readonly XmlElement[], evals: readonly Expr[], ctx: ExprContext, finish: (v: Value) => Value): Expr {
  const arg = (i: number): Expr => {
    const e = evals[i];
    if (e === undefined) throw new PmmlError(`function ${name} needs argument ${i + 1}`);
    return e;
  };
  switch (name) {
    case 'isMissing': {
      const a = arg(0);
      return (s) => a(s) === null;
    }
    case 'isNotMissing': {
      const a = arg(0);
      return (s) => a(s) !== null;
    }
    case 'isValid':
    case 'isNotValid': {
      const a = arg(0);
      const first = argEls[0];
      const data = first?.name === 'FieldRef' ? ctx.field(first.attrs['field'] ?? '').data : undefined;
      const valid = (v: Value): boolean => v !== null && (data === undefined || isValidValue(data, v));
      return name === 'isValid' ? (s) => valid(a(s)) : (s) => !valid(a(s));
    }
    case 'if': {
      const cond = arg(0);
      const then = arg(1);
      const otherwise = evals[2];
      return (s) => {
        const c = cond(s);
        if (c === null) return finish(null);
        const yes = c === true || (typeof c === 'number' && c !== 0) || c === 'true';
        return finish(yes ? then(s) : otherwise === undefined ? null : otherwise(s));
      };
    }
    default: {
      // coalesce: the first present argument.
      return (s) => {
        for (const e of evals) {
          const v = e(s);
          if (v !== null) return v;
        }
        return finish(null);
      };
    }
  }
}

/** A derived value converted to the DerivedField's dataType (unconvertible values read as missing). */
export function coerceTo(dataType: DataType, read: Expr): Expr {
  return (s) => {
    const v = read(s);
    if (v === null) return null;
    if (typeof v === 'number' && dataType === 'double') return v;
    if (typeof v === 'string' && dataType === 'string') return v;
    if (typeof v === 'number' && dataType === 'integer' && !Number.isInteger(v)) return Math.trunc(v);
    return coerce(dataType, v) ?? null;
  };
}
