// Targets: post-processing of a model's prediction per target field. Regression values are
// clamped to min/max, rescaled and cast to integer; a model with no prediction falls back to
// the TargetValue default (regression) or prior probabilities (classification).
import type { ModelResult, Value } from './model.js';
import { optionalNumberAttr, PmmlError, type FieldDef } from './fields.js';
import { categoryKey, parseText } from './values.js';
import { childrenNamed, type XmlElement } from './xml.js';

export interface TargetSpec {
  readonly field: string | undefined;
  /** displayValue per category key. */
  readonly displayValues: ReadonlyMap<string, string>;
  /** Applies the Target to a model result (the same object when nothing changes). */
  readonly apply: (r: ModelResult) => ModelResult;
}

const num = (el: XmlElement, attr: string): number | undefined => optionalNumberAttr(el, attr, `Target "${el.attrs['field'] ?? ''}"`);

function caster(mode: string | undefined): ((x: number) => number) | undefined {
  switch (mode) {
    case undefined:
      return undefined;
    case 'round':
      return Math.round;
    case 'ceiling':
      return Math.ceil;
    case 'floor':
      return Math.floor;
    default:
      throw new PmmlError(`Target has unknown castInteger "${mode}"`);
  }
}

/**
 * Compiles the Targets of a model. `typeOf` gives the dataType of a target field; `defaultTarget`
 * is the model's first target, for a Target without a field attribute.
 */
export function compileTargets(el: XmlElement | undefined, defOf: (field: string) => FieldDef | undefined, defaultTarget: string | undefined): TargetSpec[] {
  if (el === undefined) return [];
  return childrenNamed(el, 'Target').map((t) => {
    const field = t.attrs['field'] ?? defaultTarget;
    const def = field === undefined ? undefined : defOf(field);
    const dataType = def?.dataType;
    // Rescaling applies to continuous targets; a categorical target with numeric categories keeps them.
    const continuous = def === undefined || def.optype === 'continuous';
    const min = num(t, 'min');
    const max = num(t, 'max');
    const factor = num(t, 'rescaleFactor') ?? 1;
    const constant = num(t, 'rescaleConstant') ?? 0;
    const cast = caster(t.attrs['castInteger']);
    const values = childrenNamed(t, 'TargetValue');
    const displayValues = new Map<string, string>();
    const priors = new Map<string, number>();
    const priorValues = new Map<string, Value>();
    let fallback: number | undefined;
    for (const v of values) {
      const text = v.attrs['value'];
      if (text !== undefined) {
        const parsed = dataType === undefined ? text : (parseText(dataType, text) ?? text);
        const key = parsed === null ? text : categoryKey(parsed);
        const display = v.attrs['displayValue'];
        if (display !== undefined) displayValues.set(key, display);
        const prior = num(v, 'priorProbability');
        if (prior !== undefined) {
          priors.set(key, prior);
          priorValues.set(key, parsed);
        }
      }
      const d = num(v, 'defaultValue');
      if (d !== undefined) fallback = d;
    }
    const transform = min === undefined && max === undefined && factor === 1 && constant === 0 && cast === undefined;
    const regress = (x: number): number => {
      let y = x;
      if (min !== undefined && y < min) y = min;
      if (max !== undefined && y > max) y = max;
      y = y * factor + constant;
      return cast === undefined ? y : cast(y);
    };
    const adjust = (v: Value): Value => (typeof v === 'number' && !transform && continuous ? regress(v) : v);
    const apply = (r: ModelResult): ModelResult => {
      const own = field === undefined ? undefined : r.targetValues;
      if (own !== undefined && field !== undefined && own.has(field)) {
        const v = own.get(field) ?? null;
        const next = new Map(own);
        next.set(field, v === null && fallback !== undefined ? fallback : adjust(v));
        return { ...r, targetValues: next, value: field === defaultTarget ? (next.get(field) ?? null) : r.value };
      }
      if (r.value === null) {
        if (fallback !== undefined) return { ...r, value: fallback };
        if (priors.size > 0) {
          let best: string | undefined;
          for (const [k, p] of priors) if (best === undefined || p > (priors.get(best) ?? 0)) best = k;
          return { ...r, value: best === undefined ? null : (priorValues.get(best) ?? null), probabilities: priors };
        }
        return r;
      }
      return transform || !continuous ? r : { ...r, value: adjust(r.value) };
    };
    return { field, displayValues, apply };
  });
}
