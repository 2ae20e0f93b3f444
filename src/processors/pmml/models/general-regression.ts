// GeneralRegressionModel: the design row x (one entry per Parameter, from the PPMatrix: factor
// indicators or contrast-matrix codes, covariate powers, their products) is computed once per row;
// each target category has its beta vector from the ParamMatrix. modelType decides how the linear
// predictors become a prediction: identity (regression, generalLinear), an inverse link
// (generalizedLinear), softmax (multinomialLogistic), a cumulative link (ordinalMultinomial) or
// a cumulative hazard (CoxRegression).
import type { CompileEnv, CompiledModel, Scope, Value } from '../model.js';
import { optionalNumberAttr, PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { parseArray } from '../predicates.js';
import { categoryKey, parseNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';
import { inverseLink } from './regression.js';
import { argMax } from './arg-max.js';

type Read = (scope: Scope) => Value;

function fieldReader(env: CompileEnv, name: string): Read {
  return env.compileExpression({ name: 'FieldRef', attrs: { field: name }, children: [], text: '' });
}

function asNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return parseNumber(v) ?? null;
}

/** How one PPCell contributes to its parameter's design value, given the predictor's value. */
type CellTerm = (v: Exclude<Value, null>) => number;

interface Factor {
  /** Contrast matrix: row per category key; undefined for plain indicator coding. */
  readonly rows: ReadonlyMap<string, Float64Array> | undefined;
  /** Column of each category key that has one. */
  readonly columns: ReadonlyMap<string, number>;
}

function parseFactor(p: XmlElement, env: CompileEnv, name: string): Factor {
  const matrix = child(p, 'Matrix');
  const categories = child(p, 'Categories');
  if (matrix === undefined || categories === undefined) return { rows: undefined, columns: new Map() };
  const keys = childrenNamed(categories, 'Category').map((c) => {
    const v = env.parse(name, c.attrs['value'] ?? '');
    return v === null ? '' : categoryKey(v);
  });
  const rowsEl = childrenNamed(matrix, 'Array');
  const rows = new Map<string, Float64Array>();
  keys.forEach((k, i) => {
    const row = rowsEl[i];
    if (row === undefined) throw new PmmlError(`the contrast matrix of factor "${name}" has fewer rows than categories`);
    rows.set(k, Float64Array.from(parseArray(row), (t) => parseNumber(t) ?? NaN));
  });
  return { rows, columns: new Map(keys.map((k, i) => [k, i])) };
}

/** Inverse link of generalizedLinear (linkFunction with linkParameter and distParameter). */
function glmInverse(link: string, d: number, a: number): (eta: number) => number {
  switch (link) {
    case 'identity':
      return (e) => e;
    case 'log':
      return Math.exp;
    case 'logc':
      return (e) => 1 - Math.exp(e);
    case 'negbin':
      return (e) => 1 / (a * (Math.exp(-e) - 1));
    case 'oddspower':
      return d === 0
        ? (e) => 1 / (1 + Math.exp(-e))
        : (e) => {
            const t = (1 + d * e) ** (1 / d);
            return t / (1 + t);
          };
    case 'power':
      return d === 0 ? Math.exp : (e) => e ** (1 / d);
    default: {
      const f = inverseLink(link);
      if (f === undefined || link === 'none' || link === 'exp') throw new PmmlError(`GeneralRegressionModel has unknown linkFunction "${link}"`);
      return f;
    }
  }
}

interface Baseline {
  readonly times: Float64Array;
  readonly hazards: Float64Array;
  readonly maxTime: number;
}

function baseline(el: XmlElement, maxTime: number | undefined): Baseline {
  const cells = childrenNamed(el, 'BaselineCell')
    .map((c) => ({ t: optionalNumberAttr(c, 'time') ?? NaN, h: optionalNumberAttr(c, 'cumHazard') ?? NaN }))
    .sort((x, y) => x.t - y.t);
  return { times: Float64Array.from(cells, (c) => c.t), hazards: Float64Array.from(cells, (c) => c.h), maxTime: optionalNumberAttr(el, 'maxTime') ?? maxTime ?? Infinity };
}

/** The baseline cumulative hazard at time t: the last cell at or before t; null past maxTime. */
function hazardAt(b: Baseline, t: number): number | null {
  if (t > b.maxTime) return null;
  let h = 0;
  for (let i = 0; i < b.times.length && (b.times[i] as number) <= t; i++) h = b.hazards[i] as number;
  return h;
}

export function compileGeneralRegressionModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const modelType = el.attrs['modelType'] ?? '';
  const declared = miningTargets(el);
  const targetName = declared[0] ?? el.attrs['targetVariableName'];
  const targets = targetName === undefined ? [] : [targetName];

  const parameterEls = childrenNamed(child(el, 'ParameterList') ?? el, 'Parameter');
  const parameters = parameterEls.map((p) => p.attrs['name'] ?? '');
  const index = new Map(parameters.map((p, i) => [p, i]));
  const referencePoints = Float64Array.from(parameterEls, (p) => optionalNumberAttr(p, 'referencePoint') ?? 0);
  const P = parameters.length;

  const factors = new Map<string, Factor>();
  for (const p of childrenNamed(child(el, 'FactorList') ?? el, 'Predictor')) {
    const name = p.attrs['name'] ?? '';
    factors.set(name, parseFactor(p, env, name));
  }
  const covariates = new Set(childrenNamed(child(el, 'CovariateList') ?? el, 'Predictor').map((p) => p.attrs['name'] ?? ''));

  // Each predictor is read once per row; each parameter multiplies the terms of its cells.
  const predictorNames: string[] = [];
  const predictorIndex = new Map<string, number>();
  const cellsOf: { predictor: number; term: CellTerm }[][] = parameters.map(() => []);
  for (const cell of childrenNamed(child(el, 'PPMatrix') ?? el, 'PPCell')) {
    const name = cell.attrs['predictorName'] ?? '';
    const param = index.get(cell.attrs['parameterName'] ?? '');
    if (param === undefined) throw new PmmlError(`PPCell names parameter "${cell.attrs['parameterName'] ?? ''}", which the ParameterList lacks`);
    let pi = predictorIndex.get(name);
    if (pi === undefined) {
      pi = predictorNames.length;
      predictorNames.push(name);
      predictorIndex.set(name, pi);
    }
    const text = cell.attrs['value'] ?? '';
    let term: CellTerm;
    const factor = factors.get(name);
    if (factor !== undefined) {
      const parsed = env.parse(name, text);
      const key = parsed === null ? text : categoryKey(parsed);
      const rows = factor.rows;
      if (rows === undefined) term = (v) => (categoryKey(v) === key ? 1 : 0);
      else {
        const column = factor.columns.get(key);
        if (column === undefined) throw new PmmlError(`PPCell value "${text}" is not a category of factor "${name}"`);
        term = (v) => rows.get(categoryKey(v))?.[column] ?? NaN;
      }
    } else if (covariates.has(name)) {
      const exponent = parseNumber(text) ?? 1;
      term = (v) => {
        const x = asNumber(v) ?? NaN;
        return exponent === 1 ? x : x ** exponent;
      };
    } else {
      throw new PmmlError(`PPCell predictor "${name}" is neither a factor nor a covariate`);
    }
    (cellsOf[param] as { predictor: number; term: CellTerm }[]).push({ predictor: pi, term });
  }
  const reads = predictorNames.map((n) => fieldReader(env, n));

  // Beta vectors: '' for cells without targetCategory.
  const betas = new Map<string, Float64Array>();
  const categoryValues = new Map<string, Value>();
  for (const cell of childrenNamed(child(el, 'ParamMatrix') ?? el, 'PCell')) {
    const param = index.get(cell.attrs['parameterName'] ?? '');
    if (param === undefined) throw new PmmlError(`PCell names parameter "${cell.attrs['parameterName'] ?? ''}", which the ParameterList lacks`);
    const text = cell.attrs['targetCategory'];
    let key = '';
    if (text !== undefined) {
      const v = targetName === undefined ? text : env.parse(targetName, text);
      key = v === null ? text : categoryKey(v);
      if (!categoryValues.has(key)) categoryValues.set(key, v);
    }
    let b = betas.get(key);
    if (b === undefined) {
      b = new Float64Array(P);
      betas.set(key, b);
    }
    b[param] = optionalNumberAttr(cell, 'beta') ?? 0;
  }
  const shared = betas.get('') ?? new Float64Array(P);

  const offsetValue = optionalNumberAttr(el, 'offsetValue') ?? 0;
  const offsetVariable = el.attrs['offsetVariable'];
  const readOffset = offsetVariable === undefined ? undefined : fieldReader(env, offsetVariable);
  const trialsValue = optionalNumberAttr(el, 'trialsValue');
  const trialsVariable = el.attrs['trialsVariable'];
  const readTrials = trialsVariable === undefined ? undefined : fieldReader(env, trialsVariable);

  const values = new Array<Exclude<Value, null>>(reads.length);
  const x = new Float64Array(P);
  /** Fills x for the row; false when an input is missing. */
  const design = (scope: Scope): boolean => {
    for (let i = 0; i < reads.length; i++) {
      const v = (reads[i] as Read)(scope);
      if (v === null) return false;
      values[i] = v;
    }
    for (let p = 0; p < P; p++) {
      let xp = 1;
      for (const c of cellsOf[p] as { predictor: number; term: CellTerm }[]) xp *= c.term(values[c.predictor] as Exclude<Value, null>);
      x[p] = xp;
    }
    return true;
  };
  const dot = (b: Float64Array): number => {
    let s = 0;
    for (let p = 0; p < P; p++) s += (b[p] as number) * (x[p] as number);
    return s;
  };
  const offset = (scope: Scope): number | null => {
    if (readOffset === undefined) return offsetValue;
    return asNumber(readOffset(scope));
  };

  if (modelType === 'CoxRegression') return coxModel(el, env, { functionName, targets, design, dot, shared, referencePoints });

  if (functionName !== 'classification') {
    let inverse: (e: number) => number = (e) => e;
    if (modelType === 'generalizedLinear') {
      inverse = glmInverse(el.attrs['linkFunction'] ?? 'identity', optionalNumberAttr(el, 'linkPower') ?? optionalNumberAttr(el, 'linkParameter') ?? 1, optionalNumberAttr(el, 'distParameter') ?? 1);
    } else if (modelType !== 'regression' && modelType !== 'generalLinear') {
      throw new PmmlError(`GeneralRegressionModel modelType "${modelType}" does not apply to regression`);
    }
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        if (!design(scope)) return { value: null };
        const o = offset(scope);
        if (o === null) return { value: null };
        let value = inverse(dot(shared) + o);
        if (readTrials !== undefined || trialsValue !== undefined) {
          const n = readTrials === undefined ? trialsValue : asNumber(readTrials(scope));
          if (n === null || n === undefined) return { value: null };
          value *= n;
        }
        return { value };
      },
    };
  }

  // Classification: the target's categories in DataDictionary order, else as the ParamMatrix names them.
  const declaredCategories = targetName === undefined ? [] : (env.field(targetName)?.values ?? []);
  const categories: Value[] = declaredCategories.length > 0 ? declaredCategories.map((t) => (targetName === undefined ? t : env.parse(targetName, t))) : [...categoryValues.values()];
  const referenceText = el.attrs['targetReferenceCategory'];
  const referenceValue = referenceText === undefined || targetName === undefined ? referenceText : env.parse(targetName, referenceText);
  if (declaredCategories.length === 0 && referenceValue !== undefined && referenceValue !== null && !categoryValues.has(categoryKey(referenceValue))) categories.push(referenceValue);
  const keys = categories.map((c) => (c === null ? '' : categoryKey(c)));
  const K = keys.length;
  // The modelTypes differ only in how the linear predictors, given the row's offset, become probabilities.
  const classifier = (probabilitiesAt: (o: number) => Float64Array): CompiledModel => ({
    functionName,
    targets,
    evaluate: (scope) => {
      if (!design(scope)) return { value: null };
      const p = probabilitiesAt(offset(scope) ?? 0);
      const probabilities = new Map<string, number>();
      for (let k = 0; k < K; k++) probabilities.set(keys[k] as string, p[k] as number);
      const best = argMax(probabilities);
      return { value: best === undefined ? null : (categories[keys.indexOf(best)] ?? null), probabilities };
    },
  });

  if (modelType === 'multinomialLogistic') {
    const referenceKey = referenceValue === undefined || referenceValue === null ? keys.find((k) => !betas.has(k)) : categoryKey(referenceValue);
    const rows = keys.map((k) => (k === referenceKey ? undefined : (betas.get(k) ?? shared)));
    return classifier((o) => {
      const eta = rows.map((b) => (b === undefined ? 0 : dot(b) + o));
      const max = Math.max(...eta);
      const p = Float64Array.from(eta, (e) => Math.exp(e - max));
      const sum = p.reduce((a, b) => a + b, 0);
      for (let k = 0; k < K; k++) p[k] = (p[k] as number) / sum;
      return p;
    });
  }
  if (modelType === 'ordinalMultinomial') {
    const f = inverseLink(el.attrs['cumulativeLink'] ?? 'logit');
    if (f === undefined) throw new PmmlError(`GeneralRegressionModel has unknown cumulativeLink "${el.attrs['cumulativeLink'] ?? ''}"`);
    const rows = keys.map((k) => betas.get(k));
    return classifier((o) => {
      const base = dot(shared) + o;
      const p = new Float64Array(K);
      let previous = 0;
      for (let k = 0; k < K; k++) {
        const b = rows[k];
        const cumulative = k === K - 1 || b === undefined ? 1 : f(dot(b) + base);
        p[k] = cumulative - previous;
        previous = cumulative;
      }
      return p;
    });
  }
  if (modelType === 'generalizedLinear' || modelType === 'generalLinear' || modelType === 'regression') {
    if (K !== 2) throw new PmmlError(`a ${modelType} classification needs a binary target, "${targetName ?? ''}" has ${K} categories`);
    const inverse = glmInverse(el.attrs['linkFunction'] ?? (modelType === 'generalizedLinear' ? 'logit' : 'identity'), optionalNumberAttr(el, 'linkParameter') ?? 1, optionalNumberAttr(el, 'distParameter') ?? 1);
    // The linear predictor gives the probability of the category its PCells name; without one, of the
    // category that is not the reference (the first by default).
    const named = [...betas.keys()].filter((k) => k !== '');
    const referenceKey = referenceValue === undefined || referenceValue === null ? keys[0] : categoryKey(referenceValue);
    const eventKey = named.length === 1 ? named[0] : keys.find((k) => k !== referenceKey);
    const event = keys[0] === eventKey ? 0 : 1;
    const beta = (eventKey === undefined ? undefined : betas.get(eventKey)) ?? shared;
    return classifier((o) => {
      const mu = inverse(dot(beta) + o);
      const p = new Float64Array(2);
      p[event] = mu;
      p[1 - event] = 1 - mu;
      return p;
    });
  }
  throw new PmmlError(`GeneralRegressionModel has unknown modelType "${modelType}"`);
}

interface CoxParts {
  readonly functionName: string;
  readonly targets: readonly string[];
  readonly design: (scope: Scope) => boolean;
  readonly dot: (b: Float64Array) => number;
  readonly shared: Float64Array;
  readonly referencePoints: Float64Array;
}

/** CoxRegression: the cumulative hazard H0(t)·exp(β·(x − reference)) at the row's end time, per stratum. */
function coxModel(el: XmlElement, env: CompileEnv, parts: CoxParts): CompiledModel {
  const { functionName, targets, design, dot, shared, referencePoints } = parts;
  const tables = child(el, 'BaseCumHazardTables');
  if (tables === undefined) throw new PmmlError('CoxRegression has no BaseCumHazardTables');
  const endTime = el.attrs['endTimeVariable'];
  if (endTime === undefined) throw new PmmlError('CoxRegression has no endTimeVariable');
  const readTime = fieldReader(env, endTime);
  const strataVariable = el.attrs['baselineStrataVariable'];
  const readStratum = strataVariable === undefined ? undefined : fieldReader(env, strataVariable);
  const strata = new Map<string, Baseline>();
  for (const s of childrenNamed(tables, 'BaselineStratum')) {
    const v = strataVariable === undefined ? (s.attrs['value'] ?? '') : env.parse(strataVariable, s.attrs['value'] ?? '');
    strata.set(v === null ? '' : categoryKey(v), baseline(s, undefined));
  }
  const single = strata.size === 0 ? baseline(tables, optionalNumberAttr(tables, 'maxTime')) : undefined;
  let referenceSum = 0;
  for (let p = 0; p < referencePoints.length; p++) referenceSum += (shared[p] as number) * (referencePoints[p] as number);
  return {
    functionName,
    targets,
    evaluate: (scope) => {
      const t = asNumber(readTime(scope));
      if (t === null) return { value: null };
      let table = single;
      if (readStratum !== undefined) {
        const s = readStratum(scope);
        table = s === null ? undefined : strata.get(categoryKey(s));
      }
      if (table === undefined) return { value: null };
      const h0 = hazardAt(table, t);
      if (h0 === null || !design(scope)) return { value: null };
      return { value: h0 * Math.exp(dot(shared) - referenceSum) };
    },
  };
}
