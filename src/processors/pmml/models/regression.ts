// RegressionModel: one RegressionTable (regression) or one per category (classification), each a
// sum of numeric, categorical and interaction terms compiled to flat arrays; then
// normalizationMethod turns the sums into a value or class probabilities.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { numberAttr, PmmlError, requiredNumberAttr } from '../fields.js';
import { stdNormalCdf } from '../functions.js';
import { miningTargets } from '../mining-schema.js';
import { categoryKey, parseNumber } from '../values.js';
import { childrenNamed, type XmlElement } from '../xml.js';
import { argMax } from './arg-max.js';

type Read = (scope: Scope) => Value;

function number(el: XmlElement, attr: string, fallback?: number): number {
  return fallback === undefined ? requiredNumberAttr(el, attr) : numberAttr(el, attr, fallback);
}

function asNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return parseNumber(v) ?? null;
}

/** A RegressionTable as a function of the row; null when an input it needs is missing. */
export function compileTable(table: XmlElement, env: CompileEnv): (scope: Scope) => number | null {
  const intercept = number(table, 'intercept', 0);
  const field = (name: string | undefined): Read => {
    if (name === undefined) throw new PmmlError('a predictor has no name');
    return env.compileExpression({ name: 'FieldRef', attrs: { field: name }, children: [], text: '' });
  };
  const numeric = childrenNamed(table, 'NumericPredictor');
  const nReads = numeric.map((p) => field(p.attrs['name']));
  const nCoefs = Float64Array.from(numeric, (p) => number(p, 'coefficient'));
  const nExps = Float64Array.from(numeric, (p) => number(p, 'exponent', 1));
  const categorical = childrenNamed(table, 'CategoricalPredictor');
  const cReads = categorical.map((p) => field(p.attrs['name']));
  const cKeys = categorical.map((p) => {
    const name = p.attrs['name'] ?? '';
    const v = env.parse(name, p.attrs['value'] ?? '');
    return v === null ? '' : categoryKey(v);
  });
  const cCoefs = Float64Array.from(categorical, (p) => number(p, 'coefficient'));
  const terms = childrenNamed(table, 'PredictorTerm').map((t) => ({
    coef: number(t, 'coefficient'),
    reads: childrenNamed(t, 'FieldRef').map((f) => env.compileExpression(f)),
  }));
  return (scope) => {
    let y = intercept;
    for (let i = 0; i < nReads.length; i++) {
      const x = asNumber((nReads[i] as Read)(scope));
      if (x === null) return null;
      const e = nExps[i] as number;
      y += (nCoefs[i] as number) * (e === 1 ? x : x ** e);
    }
    for (let i = 0; i < cReads.length; i++) {
      const v = (cReads[i] as Read)(scope);
      if (v === null) return null;
      if (categoryKey(v) === cKeys[i]) y += cCoefs[i] as number;
    }
    for (const t of terms) {
      let p = t.coef;
      for (const r of t.reads) {
        const x = asNumber(r(scope));
        if (x === null) return null;
        p *= x;
      }
      y += p;
    }
    return y;
  };
}

/** The inverse link of a normalizationMethod, applied to one linear predictor. */
export function inverseLink(method: string): ((y: number) => number) | undefined {
  switch (method) {
    case 'logit':
      return (y) => 1 / (1 + Math.exp(-y));
    case 'probit':
      return stdNormalCdf;
    case 'cloglog':
      return (y) => 1 - Math.exp(-Math.exp(y));
    case 'loglog':
      return (y) => Math.exp(-Math.exp(-y));
    case 'cauchit':
      return (y) => 0.5 + Math.atan(y) / Math.PI;
    case 'exp':
      return Math.exp;
    case 'none':
      return (y) => y;
    default:
      return undefined;
  }
}

const METHODS = new Set(['none', 'simplemax', 'softmax', 'logit', 'probit', 'cloglog', 'exp', 'loglog', 'cauchit']);

export function compileRegressionModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const method = el.attrs['normalizationMethod'] ?? 'none';
  if (!METHODS.has(method)) throw new PmmlError(`RegressionModel has unknown normalizationMethod "${method}"`);
  const declared = miningTargets(el);
  const targetName = declared[0] ?? el.attrs['targetFieldName'];
  const targets = targetName === undefined ? [] : [targetName];
  const tables = childrenNamed(el, 'RegressionTable');
  if (tables.length === 0) throw new PmmlError('RegressionModel has no RegressionTable');

  if (functionName !== 'classification') {
    const table = compileTable(tables[0] as XmlElement, env);
    const link = method === 'simplemax' || method === 'softmax' ? undefined : inverseLink(method);
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        const y = table(scope);
        return { value: y === null ? null : link === undefined ? y : link(y) };
      },
    };
  }

  const categories: Value[] = tables.map((t) => {
    const text = t.attrs['targetCategory'];
    if (text === undefined) throw new PmmlError('a RegressionTable of a classification has no targetCategory');
    return targetName === undefined ? text : env.parse(targetName, text);
  });
  const keys = categories.map((c) => (c === null ? '' : categoryKey(c)));
  const compiled = tables.map((t) => compileTable(t, env));
  const ordinal = targetName !== undefined && env.field(targetName)?.optype === 'ordinal';
  const link = inverseLink(method);
  const k = compiled.length;
  const ys = new Float64Array(k);
  const normalize = (): Float64Array => {
    const p = new Float64Array(k);
    if (method === 'softmax') {
      let max = -Infinity;
      for (let i = 0; i < k; i++) max = Math.max(max, ys[i] as number);
      let sum = 0;
      for (let i = 0; i < k; i++) sum += p[i] = Math.exp((ys[i] as number) - max);
      for (let i = 0; i < k; i++) p[i] = (p[i] as number) / sum;
      return p;
    }
    if (method === 'simplemax') {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += ys[i] as number;
      for (let i = 0; i < k; i++) p[i] = (ys[i] as number) / sum;
      return p;
    }
    const f = link as (y: number) => number;
    if (ordinal && method !== 'none' && method !== 'exp') {
      // Cumulative link: each table gives P(target ≤ category); the last category takes the rest.
      let previous = 0;
      for (let i = 0; i < k; i++) {
        const cumulative = i === k - 1 ? 1 : f(ys[i] as number);
        p[i] = cumulative - previous;
        previous = cumulative;
      }
      return p;
    }
    if (k === 2 && method !== 'exp') {
      // Binary: the first table gives the first category's probability, the second the rest.
      const p0 = f(ys[0] as number);
      p[0] = p0;
      p[1] = 1 - p0;
      return p;
    }
    for (let i = 0; i < k; i++) p[i] = f(ys[i] as number);
    return p;
  };
  return {
    functionName,
    targets,
    evaluate: (scope) => {
      for (let i = 0; i < k; i++) {
        const y = (compiled[i] as (s: Scope) => number | null)(scope);
        if (y === null) return { value: null };
        ys[i] = y;
      }
      const p = normalize();
      const probabilities = new Map<string, number>();
      for (let i = 0; i < k; i++) probabilities.set(keys[i] as string, p[i] as number);
      const best = argMax(probabilities);
      const index = best === undefined ? -1 : keys.indexOf(best);
      const result: ModelResult = { value: index < 0 ? null : (categories[index] ?? null), probabilities };
      return result;
    },
  };
}
