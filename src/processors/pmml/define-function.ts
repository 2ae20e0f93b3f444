// DefineFunction: a user function compiled once; its parameters are the only fields its body sees.
import type { Scope, Value } from './model.js';
import { attr, coerceTo, compileExpression, dataTypeAttr, expressionChild, type ExprContext, type UserFunction } from './expressions.js';
import { optypeOf, PmmlError } from './fields.js';
import { childrenNamed, type XmlElement } from './xml.js';

/** Compiles a DefineFunction: its parameters become the only fields its body can see. */
export function compileUserFunction(el: XmlElement, outer: ExprContext): UserFunction {
  const name = attr(el, 'name');
  const params = childrenNamed(el, 'ParameterField').map((p) => ({
    name: attr(p, 'name'),
    dataType: dataTypeAttr(p) ?? 'double',
    optype: optypeOf(p, dataTypeAttr(p) ?? 'double'),
    values: [],
  }));
  const args: Value[] = [];
  const ctx: ExprContext = {
    field: (field) => {
      const i = params.findIndex((p) => p.name === field);
      const def = params[i];
      if (def === undefined) throw new PmmlError(`function ${name} refers to "${field}", which is not one of its parameters`);
      return { def, read: () => args[i] ?? null };
    },
    func: (f) => outer.func(f),
  };
  const body = expressionChild(el);
  if (body === undefined) throw new PmmlError(`function ${name} has no expression`);
  const compiled = compileExpression(body, ctx);
  const dataType = dataTypeAttr(el);
  const evalBody = dataType === undefined ? compiled.eval : coerceTo(dataType, compiled.eval);
  const noScope: Scope = { get: () => null, isMissing: () => true, values: () => [] };
  return {
    name,
    arity: params.length,
    call: (values) => {
      // Parameters live in a frame for the duration of the call (nested calls save the caller's).
      const saved = args.splice(0, args.length, ...values);
      try {
        return evalBody(noScope);
      } finally {
        args.splice(0, args.length, ...saved);
      }
    },
  };
}
