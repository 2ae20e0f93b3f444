// Predicates compiled to three-valued tests: true, false, or undefined (unknown because a value
// is missing), combined by CompoundPredicate as PMML's truth tables say.
import type { Scope, Value } from './model.js';
import type { ExprContext } from './expressions.js';
import { PmmlError } from './fields.js';
import { categoryKey, compareValues, parseText } from './values.js';
import type { XmlElement } from './xml.js';

export type Predicate = (scope: Scope) => boolean | undefined;

const PREDICATES = new Set(['SimplePredicate', 'CompoundPredicate', 'SimpleSetPredicate', 'True', 'False']);

export function isPredicate(el: XmlElement): boolean {
  return PREDICATES.has(el.name);
}

/** The predicate child of a Node, Segment, Rule or Attribute. */
export function predicateChild(el: XmlElement): XmlElement | undefined {
  return el.children.find(isPredicate);
}

export function compilePredicate(el: XmlElement, ctx: ExprContext): Predicate {
  switch (el.name) {
    case 'True':
      return () => true;
    case 'False':
      return () => false;
    case 'SimplePredicate':
      return simple(el, ctx);
    case 'SimpleSetPredicate':
      return simpleSet(el, ctx);
    case 'CompoundPredicate':
      return compound(el, ctx);
    default:
      throw new PmmlError(`${el.name} is not a predicate`);
  }
}

function simple(el: XmlElement, ctx: ExprContext): Predicate {
  const name = el.attrs['field'];
  if (name === undefined) throw new PmmlError('SimplePredicate has no field');
  const f = ctx.field(name);
  const read = f.read;
  const op = el.attrs['operator'];
  if (op === 'isMissing') return (s) => read(s) === null;
  if (op === 'isNotMissing') return (s) => read(s) !== null;
  const text = el.attrs['value'];
  if (text === undefined) throw new PmmlError(`SimplePredicate on "${name}" has no value`);
  const parsed = parseText(f.def.dataType, text);
  // A value that is not of the field's type (a number compared with a string field) compares as written.
  const ref: Exclude<Value, null> = parsed === undefined || parsed === null ? text : parsed;
  const refKey = categoryKey(ref);
  const cmp = (v: Exclude<Value, null>): number | undefined => (typeof ref === 'number' && typeof v === 'number' ? (v < ref ? -1 : v > ref ? 1 : v === ref ? 0 : undefined) : compareValues(v, ref));
  // Same-typed values compare directly; only a value of another type ("1" against 1) goes by its key.
  const eq = (v: Exclude<Value, null>): boolean => v === ref || (typeof v !== typeof ref && categoryKey(v) === refKey);
  switch (op) {
    case 'equal':
      return (s) => {
        const v = read(s);
        return v === null ? undefined : eq(v);
      };
    case 'notEqual':
      return (s) => {
        const v = read(s);
        return v === null ? undefined : !eq(v);
      };
    case 'lessThan':
      if (typeof ref === 'number') return numeric('lessThan', read, ref, cmp);
      return ordered(read, cmp, (c) => c < 0);
    case 'lessOrEqual':
      if (typeof ref === 'number') return numeric('lessOrEqual', read, ref, cmp);
      return ordered(read, cmp, (c) => c <= 0);
    case 'greaterThan':
      if (typeof ref === 'number') return numeric('greaterThan', read, ref, cmp);
      return ordered(read, cmp, (c) => c > 0);
    case 'greaterOrEqual':
      if (typeof ref === 'number') return numeric('greaterOrEqual', read, ref, cmp);
      return ordered(read, cmp, (c) => c >= 0);
    default:
      throw new PmmlError(`SimplePredicate has unknown operator "${op ?? ''}"`);
  }
}

/** A comparison with a number, the common split of trees: one closure, no comparator call for numbers. */
function numeric(op: string, read: (s: Scope) => Value, ref: number, cmp: (v: Exclude<Value, null>) => number | undefined): Predicate {
  const other = (v: Exclude<Value, null>, test: (c: number) => boolean): boolean => {
    const c = cmp(v);
    return c === undefined ? false : test(c);
  };
  switch (op) {
    case 'lessThan':
      return (s) => {
        const v = read(s);
        return v === null ? undefined : typeof v === 'number' ? v < ref : other(v, (c) => c < 0);
      };
    case 'lessOrEqual':
      return (s) => {
        const v = read(s);
        return v === null ? undefined : typeof v === 'number' ? v <= ref : other(v, (c) => c <= 0);
      };
    case 'greaterThan':
      return (s) => {
        const v = read(s);
        return v === null ? undefined : typeof v === 'number' ? v > ref : other(v, (c) => c > 0);
      };
    default:
      return (s) => {
        const v = read(s);
        return v === null ? undefined : typeof v === 'number' ? v >= ref : other(v, (c) => c >= 0);
      };
  }
}

function ordered(read: (s: Scope) => Value, cmp: (v: Exclude<Value, null>) => number | undefined, test: (c: number) => boolean): Predicate {
  return (s) => {
    const v = read(s);
    if (v === null) return undefined;
    const c = cmp(v);
    // NaN compares false both ways, as in Java.
    return c === undefined ? false : test(c);
  };
}

/** The values of an <Array>: whitespace-separated, double-quoted where they hold spaces. */
export function parseArray(el: XmlElement): string[] {
  const out: string[] = [];
  const text = el.text;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        s += text[i];
        i++;
      }
      i++;
      out.push(s);
      continue;
    }
    let s = '';
    while (i < text.length && !/\s/.test(text[i] as string)) s += text[i++];
    out.push(s);
  }
  return out;
}

function simpleSet(el: XmlElement, ctx: ExprContext): Predicate {
  const name = el.attrs['field'];
  if (name === undefined) throw new PmmlError('SimpleSetPredicate has no field');
  const f = ctx.field(name);
  const read = f.read;
  const array = el.children.find((c) => c.name === 'Array');
  if (array === undefined) throw new PmmlError(`SimpleSetPredicate on "${name}" has no Array`);
  const keys = new Set(
    parseArray(array).map((t) => {
      const v = parseText(f.def.dataType, t);
      return v === undefined || v === null ? t : categoryKey(v);
    }),
  );
  const isIn = el.attrs['booleanOperator'] !== 'isNotIn';
  return (s) => {
    const v = read(s);
    if (v === null) return undefined;
    return keys.has(categoryKey(v)) === isIn;
  };
}

function compound(el: XmlElement, ctx: ExprContext): Predicate {
  const parts = el.children.filter(isPredicate).map((c) => compilePredicate(c, ctx));
  switch (el.attrs['booleanOperator']) {
    case 'and':
      return (s) => {
        let unknown = false;
        for (const p of parts) {
          const r = p(s);
          if (r === false) return false;
          if (r === undefined) unknown = true;
        }
        return unknown ? undefined : true;
      };
    case 'or':
      return (s) => {
        let unknown = false;
        for (const p of parts) {
          const r = p(s);
          if (r === true) return true;
          if (r === undefined) unknown = true;
        }
        return unknown ? undefined : false;
      };
    case 'xor':
      return (s) => {
        let odd = false;
        for (const p of parts) {
          const r = p(s);
          if (r === undefined) return undefined;
          if (r) odd = !odd;
        }
        return odd;
      };
    case 'surrogate':
      return (s) => {
        for (const p of parts) {
          const r = p(s);
          if (r !== undefined) return r;
        }
        return undefined;
      };
    default:
      throw new PmmlError(`CompoundPredicate has unknown booleanOperator "${el.attrs['booleanOperator'] ?? ''}"`);
  }
}
