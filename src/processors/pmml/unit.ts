// One model element with everything around it: MiningSchema treatments, LocalTransformations,
// the model compiler from the registry, Targets and Output. The top model and every model
// nested in a MiningModel are compiled by compileUnit; a nested unit creates a scope of its own
// only when it defines fields (see scope.ts).
import type { CompileEnv, CompiledModel, ModelCompiler, ModelResult, Scope, Value } from './model.js';
import { compileUserFunction } from './define-function.js';
import { compileExpression, coerceTo, expressionChild, type ExprContext, type FieldBinding, type UserFunction } from './expressions.js';
import { dataTypeOf, optypeOf, PmmlError, type DataField, type FieldDef } from './fields.js';
import { hasTreatment, parseMiningSchema, valueTreatment, type MiningField } from './mining-schema.js';
import { compileOutput, type CompiledOutput } from './output.js';
import type { OutputContext } from './output-features.js';
import { compilePredicate } from './predicates.js';
import { FieldScope, Layout, slotReader, slotWriter } from './scope.js';
import { compileTargets, type TargetSpec } from './targets.js';
import { categoryKey, isDataType, parseNumber, parseText } from './values.js';
import { child, childrenNamed, type XmlElement } from './xml.js';

/** The document-wide parts every unit shares. */
export interface Document {
  readonly dataFields: ReadonlyMap<string, DataField>;
  /** TransformationDictionary DerivedFields. */
  readonly derivedFields: readonly XmlElement[];
  readonly functions: ReadonlyMap<string, XmlElement>;
  readonly compilers: ReadonlyMap<string, ModelCompiler>;
  /** Model element names PMML defines, for "unsupported model" messages. */
  readonly modelElements: ReadonlySet<string>;
}

export interface ModelUnit extends CompiledModel {
  readonly layout: Layout;
  readonly miningFields: readonly MiningField[];
  readonly output: CompiledOutput | undefined;
  /** Runs the model on a scope of its own layout: the result after Targets, and the OutputField values. */
  run(scope: FieldScope): { result: ModelResult; outputs: Value[] | undefined };
}

function derivedDef(el: XmlElement): FieldDef {
  const name = el.attrs['name'];
  if (name === undefined) throw new PmmlError('a DerivedField has no name');
  const dataType = dataTypeOf(el, 'double');
  return { name, dataType, optype: optypeOf(el, dataType), values: childrenNamed(el, 'Value').map((v) => v.attrs['value'] ?? '') };
}

/** Adds DerivedFields to `layout`, each compiled on first reference through `ctx`. */
function addDerivedFields(fields: readonly XmlElement[], layout: Layout, ctx: () => ExprContext): void {
  for (const el of fields) {
    const def = derivedDef(el);
    const slot = layout.add(def);
    layout.pending.set(slot, () => {
      const exprEl = expressionChild(el);
      if (exprEl === undefined) throw new PmmlError(`DerivedField "${def.name}" has no expression`);
      const e = compileExpression(exprEl, ctx());
      const read = e.dataType === def.dataType ? e.eval : coerceTo(def.dataType, e.eval);
      layout.compute[slot] = read;
    });
  }
}

class FunctionTable {
  readonly #doc: Document;
  readonly #compiled = new Map<string, UserFunction>();
  readonly #ctx: ExprContext;

  constructor(doc: Document) {
    this.#doc = doc;
    this.#ctx = {
      field: (name) => {
        throw new PmmlError(`field "${name}" is not visible inside a function`);
      },
      func: (name) => this.get(name),
    };
  }

  get(name: string): UserFunction | undefined {
    const done = this.#compiled.get(name);
    if (done !== undefined) return done;
    const el = this.#doc.functions.get(name);
    if (el === undefined) return undefined;
    const f = compileUserFunction(el, this.#ctx);
    this.#compiled.set(name, f);
    return f;
  }
}

/** Compiles one model element. `parent` is the layout of the enclosing model (none at the top). */
export class UnitCompiler {
  readonly #doc: Document;
  readonly #functions: FunctionTable;

  constructor(doc: Document) {
    this.#doc = doc;
    this.#functions = new FunctionTable(doc);
  }

  /** The context resolving names from `layout` outwards. */
  context(layout: Layout): ExprContext {
    return {
      field: (name) => this.#bind(layout, name),
      func: (name) => this.#functions.get(name),
    };
  }

  #bind(layout: Layout, name: string): FieldBinding {
    const hit = layout.resolve(name);
    if (hit === undefined) throw new PmmlError(`field "${name}" is not declared`);
    const pending = hit.layout.pending.get(hit.slot);
    if (pending !== undefined) {
      hit.layout.pending.delete(hit.slot);
      pending();
    }
    const def = hit.layout.defs[hit.slot] as FieldDef;
    const data = this.#doc.dataFields.get(name);
    return data === undefined ? { read: slotReader(hit.layout, hit.slot, name), def } : { read: slotReader(hit.layout, hit.slot, name), def, data };
  }

  #def(layout: Layout, name: string): FieldDef | undefined {
    const hit = layout.resolve(name);
    return hit === undefined ? this.#doc.dataFields.get(name) : hit.layout.defs[hit.slot];
  }

  compile(el: XmlElement, parent: Layout | undefined): ModelUnit {
    const compiler = this.#doc.compilers.get(el.name);
    if (compiler === undefined) {
      throw new PmmlError(this.#doc.modelElements.has(el.name) ? `unsupported model element ${el.name}` : `${el.name} is not a model element`);
    }
    if (el.attrs['isScorable'] === 'false') throw new PmmlError(`the ${el.name} is marked isScorable="false"`);
    const layout = new Layout(parent);
    const miningFields = parseMiningSchema(el);
    const top = parent === undefined;
    if (top) this.#topFields(layout, miningFields);
    else this.#nestedFields(layout, miningFields);
    const ctx = this.context(layout);
    const local = child(el, 'LocalTransformations');
    if (local !== undefined) addDerivedFields(childrenNamed(local, 'DerivedField'), layout, () => ctx);
    const segmentation = child(el, 'Segmentation');
    const segmentLocal = segmentation === undefined ? undefined : child(segmentation, 'LocalTransformations');
    if (segmentLocal !== undefined) addDerivedFields(childrenNamed(segmentLocal, 'DerivedField'), layout, () => ctx);

    const inner = compiler(el, this.#env(layout, ctx));
    const firstTarget = inner.targets[0] ?? miningFields.find((f) => f.usage === 'target' || f.usage === 'predicted')?.name;
    const targets = compileTargets(child(el, 'Targets'), (name) => this.#def(layout, name), firstTarget);
    const output = compileOutput(child(el, 'Output'), this.#outputContext(layout, ctx, firstTarget, targets), layout);
    return makeUnit(el, layout, miningFields, inner, targets, output);
  }

  #topFields(layout: Layout, miningFields: readonly MiningField[]): void {
    for (const mf of miningFields) {
      const data = this.#doc.dataFields.get(mf.name);
      if (data === undefined) throw new PmmlError(`MiningField "${mf.name}" is not declared in the DataDictionary`);
      layout.add(data);
    }
    addDerivedFields(this.#doc.derivedFields, layout, () => this.context(layout));
  }

  #nestedFields(layout: Layout, miningFields: readonly MiningField[]): void {
    const parent = layout.parent as Layout;
    for (const mf of miningFields) {
      if (mf.usage !== 'active' || !hasTreatment(mf)) continue;
      const outer = this.#bind(parent, mf.name);
      const treat = valueTreatment(mf, outer.def);
      const read = outer.read;
      layout.add(outer.def, (s) => treat(read(s)));
    }
  }

  #env(layout: Layout, ctx: ExprContext): CompileEnv {
    return {
      field: (name) => {
        const def = this.#def(layout, name);
        return def === undefined ? undefined : { dataType: def.dataType, optype: def.optype, values: def.values };
      },
      compileModel: (el) => this.compile(el, layout),
      compilePredicate: (el) => compilePredicate(el, ctx),
      compileExpression: (el) => compileExpression(el, ctx).eval,
      parse: (field, text) => {
        const def = this.#def(layout, field);
        if (def === undefined) return parseNumber(text) ?? text;
        const v = parseText(def.dataType, text);
        if (v === undefined) throw new PmmlError(`"${text}" is not a ${def.dataType} (field "${field}")`);
        return v;
      },
      defineField: (name, type) => {
        const dataType = isDataType(type.dataType) ? type.dataType : 'double';
        const optype = type.optype === 'categorical' || type.optype === 'ordinal' ? type.optype : 'continuous';
        const slot = layout.add({ name, dataType, optype, values: [] });
        return slotWriter(layout, slot);
      },
    };
  }

  #outputContext(layout: Layout, ctx: ExprContext, firstTarget: string | undefined, targets: readonly TargetSpec[]): OutputContext {
    const defOf = (name: string): FieldDef | undefined => this.#doc.dataFields.get(name) ?? this.#def(layout, name);
    return {
      target: (spec) => {
        const name = spec.el.attrs['targetField'] ?? firstTarget;
        if (name === undefined) return undefined;
        const def = defOf(name);
        return def === undefined ? undefined : { name, def };
      },
      displayValue: (target, key) => {
        for (const t of targets) {
          if (t.field !== target) continue;
          const d = t.displayValues.get(key);
          if (d !== undefined) return d;
        }
        return this.#doc.dataFields.get(target)?.displayValues.get(key);
      },
      categoryKeyOf: (target, text) => {
        const def = target === undefined ? undefined : defOf(target);
        const v = def === undefined ? text : parseText(def.dataType, text);
        return v === undefined || v === null ? text : categoryKey(v);
      },
      compileExpression: (el) => compileExpression(el, ctx).eval,
    };
  }
}

function makeUnit(
  el: XmlElement,
  layout: Layout,
  miningFields: readonly MiningField[],
  inner: CompiledModel,
  targets: readonly TargetSpec[],
  output: CompiledOutput | undefined,
): ModelUnit {
  const run = (scope: FieldScope): { result: ModelResult; outputs: Value[] | undefined } => {
    let result = inner.evaluate(scope);
    for (const t of targets) result = t.apply(result);
    return { result, outputs: output?.evaluate(result, scope) };
  };
  const names = output?.fields.map((f) => f.name) ?? [];
  const scopeFor = (parent: Scope): FieldScope | Scope => {
    const outer = parent instanceof FieldScope ? parent : undefined;
    return layout.size === 0 ? parent : new FieldScope(layout, outer);
  };
  // A nested model with nothing around it (the trees of a forest) is its compiled model, called directly.
  const bare = targets.length === 0 && output === undefined;
  const evaluate = bare
    ? layout.size === 0
      ? (parent: Scope): ModelResult => inner.evaluate(parent)
      : (parent: Scope): ModelResult => inner.evaluate(scopeFor(parent))
    : (parent: Scope): ModelResult => {
        const scope = scopeFor(parent);
        const { result, outputs } = run(scope instanceof FieldScope ? scope : new FieldScope(layout, undefined));
        if (outputs === undefined) return result;
        const map = new Map<string, Value>();
        names.forEach((n, i) => map.set(n, outputs[i] ?? null));
        return { ...result, outputs: map };
      };
  return {
    functionName: inner.functionName || (el.attrs['functionName'] ?? ''),
    targets: inner.targets,
    outputFields: output?.fields ?? [],
    layout,
    miningFields,
    output,
    run,
    evaluate,
  };
}
