// NaiveBayesModel: P(T) · Π P(xᵢ | T), computed in log space and normalized by a shifted softmax
// as the reference evaluator does. Categorical inputs look up PairCounts (count over the input's
// total count per target category); continuous inputs use a Gaussian or Poisson distribution per
// target category. A zero count, or a density below the threshold, is replaced by the threshold.
// Missing values and values no PairCounts names leave the input out.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { expressionChild } from '../expressions.js';
import { PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { categoryKey, isDataType, parseNumber, parseText, toNumber } from '../values.js';
import { child, childrenNamed, FROM_EXTENSION, type XmlElement } from '../xml.js';

const NO_RESULT: ModelResult = Object.freeze({ value: null });
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function num(el: XmlElement, attr: string): number {
  const t = el.attrs[attr];
  const n = t === undefined ? undefined : parseNumber(t);
  if (n === undefined) throw new PmmlError(`${el.name} needs a numeric ${attr}, got "${t ?? ''}"`);
  return n;
}

/** The normal density at x. */
export function gaussianDensity(x: number, mean: number, variance: number): number {
  const sd = Math.sqrt(variance);
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z - (Math.log(sd) + HALF_LOG_2PI));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const y = x - 1;
  let a = c[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The Poisson probability of the count k (truncated to an integer). */
export function poissonProbability(k: number, mean: number): number {
  const n = Math.trunc(k);
  if (n < 0) return 0;
  if (n === 0) return Math.exp(-mean);
  return Math.exp(n * Math.log(mean) - mean - lnGamma(n + 1));
}

/** What one BayesInput adds to the log-probability of each target category, for one row. */
type Contribution = (scope: Scope, logs: Float64Array) => void;

/** `legacy`: an input of R's pre-4.2 Extension encoding, whose producer replaces only zero densities by the threshold. */
function continuousInput(name: string, stats: XmlElement, read: (s: Scope) => Value, indexOf: (text: string) => number | undefined, threshold: number, legacy: boolean): Contribution {
  const floor = legacy ? Number.MIN_VALUE : threshold;
  const parts = childrenNamed(stats, 'TargetValueStat').flatMap((stat) => {
    const text = stat.attrs['value'];
    if (text === undefined) throw new PmmlError(`a TargetValueStat of "${name}" has no value`);
    const k = indexOf(text);
    if (k === undefined) return [];
    const gauss = child(stat, 'GaussianDistribution');
    if (gauss !== undefined) {
      const mean = num(gauss, 'mean');
      const variance = num(gauss, 'variance');
      // A degenerate distribution leaves the category alone, as the reference evaluator does.
      return variance > 0 ? [{ k, p: (x: number) => gaussianDensity(x, mean, variance) }] : [];
    }
    const poisson = child(stat, 'PoissonDistribution');
    if (poisson !== undefined) {
      const mean = num(poisson, 'mean');
      return [{ k, p: (x: number) => poissonProbability(x, mean) }];
    }
    throw new PmmlError(`the TargetValueStat "${text}" of "${name}" needs a GaussianDistribution or PoissonDistribution`);
  });
  return (scope, logs) => {
    const v = read(scope);
    const x = v === null ? undefined : toNumber(v);
    if (x === undefined) return;
    for (const { k, p } of parts) {
      const prob = p(x);
      logs[k] = (logs[k] as number) + Math.log(prob < floor ? threshold : prob);
    }
  };
}

function discreteInput(name: string, input: XmlElement, read: (s: Scope) => Value, dataType: string, indexOf: (text: string) => number | undefined, threshold: number): Contribution {
  const keyOf = (text: string): string => {
    if (!isDataType(dataType)) return text;
    const v = parseText(dataType, text);
    return v === undefined || v === null ? text : categoryKey(v);
  };
  const pairs = childrenNamed(input, 'PairCounts').map((pc) => {
    const text = pc.attrs['value'];
    if (text === undefined) throw new PmmlError(`a PairCounts of "${name}" has no value`);
    const counts = child(pc, 'TargetValueCounts');
    const entries = (counts === undefined ? [] : childrenNamed(counts, 'TargetValueCount')).map((c) => ({ k: indexOf(c.attrs['value'] ?? ''), count: num(c, 'count') }));
    return { key: keyOf(text), entries };
  });
  // The denominator is the input's own total per target category (the reference evaluator's choice).
  const sums = new Map<number, number>();
  for (const p of pairs) for (const e of p.entries) if (e.k !== undefined) sums.set(e.k, (sums.get(e.k) ?? 0) + e.count);
  const table = new Map<string, { ks: Int32Array; logs: Float64Array }>();
  for (const p of pairs) {
    const known = p.entries.filter((e) => e.k !== undefined);
    table.set(p.key, {
      ks: Int32Array.from(known.map((e) => e.k as number)),
      logs: Float64Array.from(known.map((e) => Math.log(e.count === 0 ? threshold : e.count / (sums.get(e.k as number) as number)))),
    });
  }
  return (scope, logs) => {
    const v = read(scope);
    if (v === null) return;
    const hit = table.get(categoryKey(v));
    if (hit === undefined) return;
    for (let i = 0; i < hit.ks.length; i++) {
      const k = hit.ks[i] as number;
      logs[k] = (logs[k] as number) + (hit.logs[i] as number);
    }
  };
}

export function compileNaiveBayesModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'classification';
  if (functionName !== 'classification') throw new PmmlError(`NaiveBayesModel does not support functionName "${functionName}"`);
  const thresholdText = el.attrs['threshold'];
  const threshold = thresholdText === undefined ? 0 : num(el, 'threshold');
  const output = child(el, 'BayesOutput');
  const countsEl = output === undefined ? undefined : child(output, 'TargetValueCounts');
  if (output === undefined || countsEl === undefined) throw new PmmlError('NaiveBayesModel has no BayesOutput with TargetValueCounts');
  const target = output.attrs['fieldName'] ?? output.attrs['field'] ?? miningTargets(el)[0];
  if (target === undefined) throw new PmmlError('NaiveBayesModel names no target field');
  const targets = miningTargets(el);

  const categories: Value[] = [];
  const keys: string[] = [];
  const index = new Map<string, number>();
  const priors: number[] = [];
  for (const c of childrenNamed(countsEl, 'TargetValueCount')) {
    const v = env.parse(target, c.attrs['value'] ?? '');
    if (v === null) throw new PmmlError('a TargetValueCount of BayesOutput names an empty category');
    const key = categoryKey(v);
    if (index.has(key)) throw new PmmlError(`BayesOutput counts category "${key}" twice`);
    index.set(key, categories.length);
    categories.push(v);
    keys.push(key);
    priors.push(Math.log(num(c, 'count')));
  }
  if (categories.length === 0) throw new PmmlError('BayesOutput has no TargetValueCount');
  const indexOf = (text: string): number | undefined => {
    let v: Value;
    try {
      v = env.parse(target, text);
    } catch {
      return undefined;
    }
    return v === null ? undefined : index.get(categoryKey(v));
  };

  const inputsEl = child(el, 'BayesInputs');
  if (inputsEl === undefined) throw new PmmlError('NaiveBayesModel has no BayesInputs');
  const contributions = childrenNamed(inputsEl, 'BayesInput').map((input): Contribution => {
    const name = input.attrs['fieldName'] ?? input.attrs['field'];
    if (name === undefined) throw new PmmlError('a BayesInput has no fieldName');
    const fieldRef: XmlElement = { name: 'FieldRef', attrs: { field: name }, children: [], text: '' };
    const stats = child(input, 'TargetValueStats');
    if (stats !== undefined) return continuousInput(name, stats, env.compileExpression(fieldRef), indexOf, threshold, input.attrs[FROM_EXTENSION] === 'true');
    const derived = child(input, 'DerivedField');
    if (derived === undefined) return discreteInput(name, input, env.compileExpression(fieldRef), env.field(name)?.dataType ?? 'string', indexOf, threshold);
    const expr = expressionChild(derived);
    if (expr === undefined) throw new PmmlError(`the DerivedField of BayesInput "${name}" has no expression`);
    return discreteInput(name, input, env.compileExpression(expr), derived.attrs['dataType'] ?? 'string', indexOf, threshold);
  });

  const prior = Float64Array.from(priors);
  const logs = new Float64Array(prior.length);
  const evaluate = (scope: Scope): ModelResult => {
    logs.set(prior);
    for (const c of contributions) c(scope, logs);
    let max = -Infinity;
    for (const l of logs) max = Math.max(max, l);
    let sum = 0;
    for (let k = 0; k < logs.length; k++) {
      const e = Math.exp((logs[k] as number) - max);
      logs[k] = e;
      sum += e;
    }
    if (!(sum > 0)) return NO_RESULT;
    const probabilities = new Map<string, number>();
    let best = 0;
    for (let k = 0; k < logs.length; k++) {
      const p = sum === 1 ? (logs[k] as number) : (logs[k] as number) / sum;
      probabilities.set(keys[k] as string, p);
      if (p > (probabilities.get(keys[best] as string) as number)) best = k;
    }
    return { value: categories[best] ?? null, probabilities };
  };
  return { functionName, targets: targets.length > 0 ? targets : [target], evaluate };
}
