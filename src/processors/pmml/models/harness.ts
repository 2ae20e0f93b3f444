// What the model unit tests share: a row as a Scope, a CompileEnv over declared fields whose
// expressions or predicates compile for real, and a tolerant float comparison. Whatever a test does
// not make available fails the test when a compiler asks for it.
import assert from 'node:assert/strict';
import type { CompileEnv, CompiledModel, Scope, Value } from '../model.js';
import { compileExpression, type ExprContext, type FieldBinding } from '../expressions.js';
import type { Optype } from '../fields.js';
import { compilePredicate } from '../predicates.js';
import { parseText, type DataType } from '../values.js';
import { parseXml } from '../xml.js';

export type Fields = Record<string, { dataType: DataType; optype: Optype; values?: string[] }>;

export interface TestEnvOptions {
  /** Names that are not plain fields, as expression XML compiled on first read (as the framework resolves LocalTransformations). */
  readonly derived?: Record<string, string>;
  /** Compile expressions (default true). */
  readonly expressions?: boolean;
  /** Compile predicates (default false). */
  readonly predicates?: boolean;
  /** What compileModel hands out for every nested model element. */
  readonly model?: CompiledModel;
}

export function rowScope(row: Record<string, Value>): Scope {
  return { get: (n) => row[n] ?? null, isMissing: (n) => (row[n] ?? null) === null, values: (n) => (row[n] == null ? [] : [row[n]]) };
}

export function testEnv(fields: Fields, options: TestEnvOptions = {}): CompileEnv {
  const { derived = {}, expressions = true, predicates = false, model } = options;
  const compiled = new Map<string, (s: Scope) => Value>();
  const derivedField = (name: string, src: string): FieldBinding => ({
    def: { name, dataType: 'double', optype: 'continuous', values: [] },
    read: (s) => {
      let e = compiled.get(name);
      if (e === undefined) {
        e = compileExpression(parseXml(src), ctx).eval;
        compiled.set(name, e);
      }
      return e(s);
    },
  });
  const ctx: ExprContext = {
    field: (name) => {
      const f = fields[name];
      if (f !== undefined) return { def: { name, dataType: f.dataType, optype: f.optype, values: f.values ?? [] }, read: (s) => s.get(name) };
      const src = derived[name];
      if (src === undefined) throw new Error(`field "${name}" is not declared`);
      return derivedField(name, src);
    },
    func: () => undefined,
  };
  return {
    field: (name) => {
      const f = fields[name];
      return f === undefined ? undefined : { dataType: f.dataType, optype: f.optype, values: f.values ?? [] };
    },
    compileModel: () => model ?? assert.fail('no nested models here'),
    compilePredicate: (el) => (predicates ? compilePredicate(el, ctx) : assert.fail('no predicates here')),
    compileExpression: (el) => (expressions ? compileExpression(el, ctx).eval : assert.fail('no expressions here')),
    parse: (field, text) => parseText(fields[field]?.dataType ?? 'string', text) ?? text,
    defineField: () => assert.fail('no modelChain here'),
  };
}

/** a equals b to 12 significant digits. */
export const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
