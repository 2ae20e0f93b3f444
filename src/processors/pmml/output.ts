// The Output element: OutputFields computed in order from the model result. Each OutputField
// has a slot in the model's layout, so a transformedValue can refer to the ones before it.
import type { ModelResult, Value } from './model.js';
import { dataTypeOf, optypeOf, PmmlError, type FieldDef } from './fields.js';
import { featureDataType, OUTPUT_FEATURES, type FeatureValue, type OutputContext, type OutputFieldSpec } from './output-features.js';
import type { FieldScope, Layout } from './scope.js';
import { coerce, isDataType, parseNumber, type DataType } from './values.js';
import { childrenNamed, type XmlElement } from './xml.js';

export interface CompiledOutput {
  readonly fields: readonly FieldDef[];
  /** The feature of each field. */
  readonly features: readonly string[];
  /** Computes the OutputFields of one row into their slots of `scope`; returns them in order. */
  evaluate(r: ModelResult, scope: FieldScope): Value[];
}

function specOf(el: XmlElement): OutputFieldSpec {
  const name = el.attrs['name'];
  if (name === undefined) throw new PmmlError('an OutputField has no name');
  const rank = el.attrs['rank'] === undefined ? 1 : parseNumber(el.attrs['rank']);
  // rank 0 asks a multi-valued field for all its values.
  const least = el.attrs['isMultiValued'] === '1' ? 0 : 1;
  if (rank === undefined || !Number.isInteger(rank) || rank < least) throw new PmmlError(`OutputField "${name}" has an invalid rank "${el.attrs['rank']}"`);
  return { el, name, feature: el.attrs['feature'] ?? 'predictedValue', value: el.attrs['value'], rank };
}

/** The dataType of an OutputField: declared, else what its feature gives. */
function outputType(spec: OutputFieldSpec, ctx: OutputContext): DataType {
  const declared = spec.el.attrs['dataType'];
  if (declared !== undefined) return dataTypeOf(spec.el);
  const byFeature = featureDataType(spec.feature, spec.el);
  if (byFeature !== undefined && isDataType(byFeature)) return byFeature;
  if (spec.feature === 'predictedValue') return ctx.target(spec)?.def.dataType ?? 'double';
  return spec.feature === 'transformedValue' || spec.feature === 'decision' ? 'double' : 'string';
}

/**
 * Compiles `output` (the model's Output element, if any). Slots are added to `layout` before the
 * features are compiled, so that their expressions resolve the output field names.
 */
export function compileOutput(output: XmlElement | undefined, ctx: OutputContext, layout: Layout): CompiledOutput | undefined {
  if (output === undefined) return undefined;
  const specs = childrenNamed(output, 'OutputField').map(specOf);
  if (specs.length === 0) return undefined;
  const fields: FieldDef[] = specs.map((spec) => {
    const dataType = outputType(spec, ctx);
    return { name: spec.name, dataType, optype: optypeOf(spec.el, dataType), values: [] };
  });
  // Each OutputField is a lazily computed slot, so a transformedValue may refer to any other
  // OutputField, before or after it. `current` is the result of the row being scored.
  let current: ModelResult = { value: null };
  const slots = fields.map((f, i) => layout.add(f, (scope) => (computes[i] as FeatureValue)(current, scope)));
  const computes: FeatureValue[] = specs.map((spec, i) => {
    const feature = OUTPUT_FEATURES.get(spec.feature);
    if (feature === undefined) throw new PmmlError(`OutputField "${spec.name}" has unsupported feature "${spec.feature}"`);
    const compute = feature(spec, ctx);
    const declared = spec.el.attrs['dataType'] === undefined ? undefined : (fields[i] as FieldDef).dataType;
    if (declared === undefined) return compute;
    return (r, scope) => {
      const v = compute(r, scope);
      if (v === null || (typeof v === 'number' && (declared === 'double' || declared === 'float'))) return v;
      if (typeof v === 'string' && declared === 'string') return v;
      const c = coerce(declared, v);
      return c === undefined ? v : c;
    };
  });
  return {
    fields,
    features: specs.map((s) => s.feature),
    evaluate: (r, scope) => {
      current = r;
      const out = new Array<Value>(slots.length);
      for (let i = 0; i < slots.length; i++) out[i] = scope.at(slots[i] as number);
      return out;
    },
  };
}
