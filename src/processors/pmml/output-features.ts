// OutputField features: how each derives its value from a model result. One entry per feature;
// a model family with features of its own (association rules, ...) adds its entries here.
import type { ModelResult, Scope, Value } from './model.js';
import type { FieldDef } from './fields.js';
import type { Expr } from './expressions.js';
import { categoryKey, valueText } from './values.js';
import { ruleFeatureDataType, ruleOutput } from './models/association.js';
import type { XmlElement } from './xml.js';

/** An OutputField as the feature compilers see it. */
export interface OutputFieldSpec {
  readonly el: XmlElement;
  readonly name: string;
  readonly feature: string;
  /** The `value` attribute (a category, a cluster id), if any. */
  readonly value: string | undefined;
  /** The `rank` attribute (1 when absent). */
  readonly rank: number;
}

/** What a feature compiler may use: the model's targets and the expression compiler. */
export interface OutputContext {
  /** The target an OutputField refers to (its targetField, else the model's first target). */
  target(spec: OutputFieldSpec): { name: string; def: FieldDef } | undefined;
  /** The display value of a category of a target (DataDictionary or Targets), if declared. */
  displayValue(target: string, key: string): string | undefined;
  /** Text as the category key of a target's value ("1.0" of a double target → "1"). */
  categoryKeyOf(target: string | undefined, text: string): string;
  compileExpression(el: XmlElement): Expr;
}

export type FeatureValue = (r: ModelResult, scope: Scope) => Value;

export type OutputFeature = (spec: OutputFieldSpec, ctx: OutputContext) => FeatureValue;

/** The predicted value of a target: its entry in targetValues, or the model's value. */
export function predictedOf(r: ModelResult, target: string | undefined): Value {
  if (target !== undefined && r.targetValues !== undefined) {
    const v = r.targetValues.get(target);
    if (v !== undefined) return v;
  }
  return r.value;
}

function predictedValue(spec: OutputFieldSpec, ctx: OutputContext): FeatureValue {
  const t = ctx.target(spec)?.name;
  return (r) => predictedOf(r, t);
}

function predictedDisplayValue(spec: OutputFieldSpec, ctx: OutputContext): FeatureValue {
  const t = ctx.target(spec)?.name;
  return (r) => {
    if (r.entityName !== undefined) return r.entityName;
    const v = predictedOf(r, t);
    if (v === null) return null;
    return (t === undefined ? undefined : ctx.displayValue(t, categoryKey(v))) ?? valueText(v);
  };
}

function categoryMeasure(pick: (r: ModelResult) => ReadonlyMap<string, number> | undefined): OutputFeature {
  return (spec, ctx) => {
    const t = ctx.target(spec)?.name;
    const key = spec.value === undefined ? undefined : ctx.categoryKeyOf(t, spec.value);
    return (r) => {
      const m = pick(r);
      if (m === undefined) return null;
      if (key !== undefined) return m.get(key) ?? 0;
      const v = predictedOf(r, t);
      return v === null ? null : (m.get(categoryKey(v)) ?? null);
    };
  };
}

function affinity(spec: OutputFieldSpec): FeatureValue {
  const id = spec.value;
  const rank = spec.rank;
  return (r) => {
    // A rank past the first reads the model's ranking (nearest neighbors).
    if (rank > 1 && id === undefined) {
      const ranking = r.extras?.['affinityRanking'];
      return Array.isArray(ranking) ? ((ranking[rank - 1] as number | undefined) ?? null) : null;
    }
    const m = r.affinities;
    if (m === undefined) return null;
    const key = id ?? r.entityId;
    return key === undefined ? null : (m.get(key) ?? null);
  };
}

function expression(spec: OutputFieldSpec, ctx: OutputContext): FeatureValue {
  const el = spec.el.children.find((c) => c.name !== 'Decisions' && c.name !== 'Value');
  if (el === undefined) return () => null;
  const e = ctx.compileExpression(el);
  return (_r, scope) => e(scope);
}

function residual(spec: OutputFieldSpec, ctx: OutputContext): FeatureValue {
  const target = ctx.target(spec);
  if (target === undefined) return () => null;
  const name = target.name;
  if (target.def.optype === 'continuous') {
    return (r, scope) => {
      const actual = scope.get(name);
      const predicted = predictedOf(r, name);
      return typeof actual === 'number' && typeof predicted === 'number' ? actual - predicted : null;
    };
  }
  const key = spec.value === undefined ? undefined : ctx.categoryKeyOf(name, spec.value);
  return (r, scope) => {
    const actual = scope.get(name);
    if (actual === null || r.probabilities === undefined) return null;
    const category = key ?? (r.value === null ? undefined : categoryKey(r.value));
    if (category === undefined) return null;
    return (categoryKey(actual) === category ? 1 : 0) - (r.probabilities.get(category) ?? 0);
  };
}

/** The reason code of a rank; ranks past the last code repeat it, as the DMG scorecard example does. */
function reasonCode(spec: OutputFieldSpec): FeatureValue {
  const i = spec.rank - 1;
  return (r) => {
    const codes = r.reasonCodes;
    if (codes === undefined || codes.length === 0) return null;
    return codes[Math.min(i, codes.length - 1)] ?? null;
  };
}

/** The winning entity; a rank past the first reads the model's ranking (nearest neighbors). */
function entityId(spec: OutputFieldSpec): FeatureValue {
  const rank = spec.rank;
  return (r) => {
    if (rank === 1) return r.entityId ?? null;
    const ranking = r.extras?.['entityRanking'];
    return Array.isArray(ranking) ? ((ranking[rank - 1] as string | undefined) ?? null) : null;
  };
}

/** Association rules: the feature of the rule the OutputField selects (algorithm, rankBasis, rank). */
function ruleFeature(feature: string): OutputFeature {
  return (spec) => {
    const f = ruleOutput(spec.el, feature);
    return (r) => f(r) ?? null;
  };
}

/** A feature that reads the selected association rule on an association result, and means `general` elsewhere. */
function orRule(feature: string, general: OutputFeature): OutputFeature {
  return (spec, ctx) => {
    const rule = ruleOutput(spec.el, feature);
    const other = general(spec, ctx);
    return (r, scope) => {
      const v = rule(r);
      return v === undefined ? other(r, scope) : v;
    };
  };
}

export const OUTPUT_FEATURES = new Map<string, OutputFeature>([
  ['predictedValue', predictedValue],
  ['predictedDisplayValue', predictedDisplayValue],
  ['probability', categoryMeasure((r) => r.probabilities)],
  ['confidence', orRule('confidence', categoryMeasure((r) => r.confidences ?? r.probabilities))],
  ['transformedValue', expression],
  ['decision', expression],
  ['entityId', orRule('entityId', entityId)],
  ['clusterId', () => (r) => r.entityId ?? null],
  ['affinity', affinity],
  ['entityAffinity', affinity],
  ['clusterAffinity', affinity],
  ['reasonCode', reasonCode],
  ['residual', residual],
  ['standardError', () => () => null],
  ['warning', () => () => null],
  ['ruleValue', ruleFeature('ruleValue')],
  ['rule', ruleFeature('rule')],
  ['antecedent', ruleFeature('antecedent')],
  ['consequent', ruleFeature('consequent')],
  ['ruleId', ruleFeature('ruleId')],
  ['support', ruleFeature('support')],
  ['lift', ruleFeature('lift')],
  ['leverage', ruleFeature('leverage')],
]);

/** The dataType of an OutputField that does not declare one. */
export function featureDataType(feature: string, el?: XmlElement): string | undefined {
  switch (feature) {
    case 'ruleValue':
    case 'rule':
    case 'antecedent':
    case 'consequent':
    case 'ruleId':
    case 'support':
    case 'lift':
    case 'leverage':
      return el === undefined ? undefined : ruleFeatureDataType(el, feature);
    case 'probability':
    case 'confidence':
    case 'affinity':
    case 'entityAffinity':
    case 'clusterAffinity':
    case 'residual':
    case 'standardError':
      return 'double';
    case 'predictedDisplayValue':
    case 'entityId':
    case 'clusterId':
    case 'reasonCode':
    case 'warning':
      return 'string';
    default:
      return undefined;
  }
}
