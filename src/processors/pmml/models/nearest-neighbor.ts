// NearestNeighborModel: the training instances (an InlineTable) are encoded once into a dense
// Float64Array over the KNNInputs; derived KNNInputs of untransformed instances are computed from
// each instance with the model's LocalTransformations. Per row, the comparison measure to every
// instance is computed and the k nearest (ties keep table order) decide each target: average,
// median or weightedAverage for continuous targets, majorityVote or weightedMajorityVote for
// categorical ones. Weights are 1 / (distance + threshold).
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { expressionChild } from '../expressions.js';
import { PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { categoryKey, compareValues, isDataType, parseNumber, parseText, toNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';
import { comparisonField, compileMeasure, defaultCompareFunction, fieldEncoder, missingAdjustment, outputRanks, ranking, rankingExtras, readRow, type FieldEncoder } from './clustering.js';

const NO_RESULT: ModelResult = Object.freeze({ value: null });

type Row = Map<string, Value>;

/** A training instance as a Scope, so that derived fields compile and run on it like on a request row. */
class InstanceScope implements Scope {
  readonly #row: Row;
  readonly #derived: ReadonlyMap<string, (scope: Scope) => Value>;

  constructor(row: Row, derived: ReadonlyMap<string, (scope: Scope) => Value>) {
    this.#row = row;
    this.#derived = derived;
  }

  get(name: string): Value {
    if (this.#row.has(name)) return this.#row.get(name) ?? null;
    const compute = this.#derived.get(name);
    if (compute === undefined) return null;
    this.#row.set(name, null);
    const v = compute(this);
    this.#row.set(name, v);
    return v;
  }

  isMissing(name: string): boolean {
    return this.get(name) === null;
  }

  values(name: string): readonly Value[] {
    const v = this.get(name);
    return v === null ? [] : [v];
  }
}

function typed(env: CompileEnv, field: string, text: string): Value {
  const type = env.field(field)?.dataType;
  if (type === undefined || !isDataType(type)) return parseNumber(text) ?? text;
  const v = parseText(type, type === 'string' ? text : text.trim());
  return v === undefined ? text : v;
}

/** The rows of the InlineTable as field → value maps (cells are child elements named by column). */
function readInstances(el: XmlElement, env: CompileEnv, idVariable: string | undefined): Row[] {
  const training = child(el, 'TrainingInstances');
  if (training === undefined) throw new PmmlError('NearestNeighborModel has no TrainingInstances');
  const table = child(training, 'InlineTable');
  if (table === undefined) throw new PmmlError('TrainingInstances without an InlineTable (TableLocator) are not supported');
  const fieldsEl = child(training, 'InstanceFields');
  const columns = (fieldsEl === undefined ? [] : childrenNamed(fieldsEl, 'InstanceField')).map((f) => {
    const field = f.attrs['field'];
    if (field === undefined) throw new PmmlError('an InstanceField has no field');
    return { field, column: f.attrs['column'] ?? field };
  });
  if (columns.length === 0) throw new PmmlError('TrainingInstances has no InstanceField');
  return childrenNamed(table, 'row').map((rowEl) => {
    const row: Row = new Map();
    for (const { field, column } of columns) {
      const cell = child(rowEl, column);
      const text = cell === undefined ? rowEl.attrs[column] : cell.text;
      if (text === undefined || text.trim() === '') row.set(field, null);
      else row.set(field, field === idVariable ? text.trim() : typed(env, field, text));
    }
    return row;
  });
}

/** The model's LocalTransformations DerivedFields, compiled, for instances that hold raw fields. */
function localDerived(el: XmlElement, env: CompileEnv): Map<string, (scope: Scope) => Value> {
  const out = new Map<string, (scope: Scope) => Value>();
  const local = child(el, 'LocalTransformations');
  for (const d of local === undefined ? [] : childrenNamed(local, 'DerivedField')) {
    const name = d.attrs['name'];
    const expr = expressionChild(d);
    if (name !== undefined && expr !== undefined) out.set(name, env.compileExpression(expr));
  }
  return out;
}

interface TargetSpec {
  readonly name: string;
  readonly continuous: boolean;
  readonly values: readonly Value[];
  /** Training count per category key, for breaking vote ties. */
  readonly counts: ReadonlyMap<string, number>;
}

export function compileNearestNeighborModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'classification';
  const k = Number(el.attrs['numberOfNeighbors'] ?? NaN);
  if (!Number.isInteger(k) || k < 1) throw new PmmlError(`NearestNeighborModel needs a positive integer numberOfNeighbors, got "${el.attrs['numberOfNeighbors'] ?? ''}"`);
  const threshold = parseNumber(el.attrs['threshold'] ?? '0.001') ?? 0.001;
  const continuousMethod = el.attrs['continuousScoringMethod'] ?? 'average';
  const categoricalMethod = el.attrs['categoricalScoringMethod'] ?? 'majorityVote';
  if (!['average', 'median', 'weightedAverage'].includes(continuousMethod)) throw new PmmlError(`unknown continuousScoringMethod "${continuousMethod}"`);
  if (!['majorityVote', 'weightedMajorityVote'].includes(categoricalMethod)) throw new PmmlError(`unknown categoricalScoringMethod "${categoricalMethod}"`);
  const idVariable = el.attrs['instanceIdVariable'];
  const rows = readInstances(el, env, idVariable);
  if (rows.length < k) throw new PmmlError(`numberOfNeighbors is ${k} but there are ${rows.length} training instances`);

  const measureEl = child(el, 'ComparisonMeasure');
  if (measureEl === undefined) throw new PmmlError('NearestNeighborModel has no ComparisonMeasure');
  const inputsEl = child(el, 'KNNInputs');
  const fallback = defaultCompareFunction(measureEl);
  const fields = (inputsEl === undefined ? [] : childrenNamed(inputsEl, 'KNNInput')).map((f) => comparisonField(f, fallback));
  if (fields.length === 0) throw new PmmlError('NearestNeighborModel has no KNNInput');
  const measure = compileMeasure(measureEl, fields);
  if (measure.kind === 'similarity' && (continuousMethod === 'weightedAverage' || categoricalMethod === 'weightedMajorityVote')) {
    throw new PmmlError('weighted scoring needs a distance measure');
  }
  const encoders = fields.map((f) => fieldEncoder(f, env));
  const n = fields.length;
  const derived = localDerived(el, env);
  const matrix = new Float64Array(rows.length * n);
  rows.forEach((row, r) => {
    const scope = new InstanceScope(row, derived);
    fields.forEach((f, i) => {
      if (!row.has(f.field) && !derived.has(f.field)) throw new PmmlError(`KNNInput "${f.field}" is neither an instance field nor a derived field of the model`);
      matrix[r * n + i] = (encoders[i] as FieldEncoder).encode(scope.get(f.field));
    });
  });
  const ids = rows.map((row, r) => (idVariable === undefined ? String(r + 1) : String(row.get(idVariable) ?? r + 1)));

  const targetNames = miningTargets(el);
  const targets: TargetSpec[] = targetNames.map((name) => {
    const values = rows.map((row) => {
      if (!row.has(name)) throw new PmmlError(`target "${name}" is not an instance field`);
      return row.get(name) ?? null;
    });
    const counts = new Map<string, number>();
    for (const v of values) if (v !== null) counts.set(categoryKey(v), (counts.get(categoryKey(v)) ?? 0) + 1);
    return { name, continuous: env.field(name)?.optype === 'continuous', values, counts };
  });

  const x = new Float64Array(n);
  const scores = new Float64Array(rows.length);
  const ranked = outputRanks(el);
  const better = measure.kind === 'distance' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  /** The k best instances, best first; an instance only displaces one that is strictly worse, so ties keep table order. */
  const nearestK = (): number[] => {
    const best: number[] = [];
    for (let r = 0; r < scores.length; r++) {
      const s = scores[r] as number;
      if (best.length === k && !better(s, scores[best[k - 1] as number] as number)) continue;
      let at = best.length === k ? k - 1 : best.length;
      while (at > 0 && better(s, scores[best[at - 1] as number] as number)) {
        best[at] = best[at - 1] as number;
        at--;
      }
      best[at] = r;
    }
    return best;
  };

  const predict = (t: TargetSpec, nearest: readonly number[]): Value => {
    const weight = (i: number): number => 1 / ((scores[i] as number) + threshold);
    if (t.continuous) {
      const ys = nearest.map((i) => toNumber(t.values[i] ?? NaN) ?? NaN);
      if (ys.some(Number.isNaN)) return null;
      if (continuousMethod === 'median') {
        const s = [...ys].sort((a, b) => a - b);
        const mid = s.length >> 1;
        return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
      }
      if (continuousMethod === 'weightedAverage') {
        let sw = 0;
        let s = 0;
        nearest.forEach((i, j) => {
          sw += weight(i);
          s += weight(i) * (ys[j] as number);
        });
        return s / sw;
      }
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    }
    const votes = new Map<string, { v: Exclude<Value, null>; n: number }>();
    for (const i of nearest) {
      const v = t.values[i] ?? null;
      if (v === null) return null;
      const e = votes.get(categoryKey(v)) ?? { v, n: 0 };
      e.n += categoricalMethod === 'weightedMajorityVote' ? weight(i) : 1;
      votes.set(categoryKey(v), e);
    }
    const top = Math.max(...[...votes.values()].map((e) => e.n));
    let tied = [...votes.values()].filter((e) => e.n === top);
    // Ties: the category with the most training cases, then the smallest value.
    if (tied.length > 1) {
      const most = Math.max(...tied.map((e) => t.counts.get(categoryKey(e.v)) ?? 0));
      tied = tied.filter((e) => (t.counts.get(categoryKey(e.v)) ?? 0) === most);
      tied.sort((a, b) => compareValues(a.v, b.v) ?? 0);
    }
    return tied[0]?.v ?? null;
  };

  const evaluate = (scope: Scope): ModelResult => {
    if (!readRow(encoders, scope, x)) return NO_RESULT;
    const adjustment = missingAdjustment(x, undefined);
    for (let r = 0; r < rows.length; r++) {
      const score = measure.compare(x, matrix, r * n, adjustment);
      if (Number.isNaN(score)) return NO_RESULT;
      scores[r] = score;
    }
    const order = ranked ? ranking(scores, measure.kind) : undefined;
    const nearest = order === undefined ? nearestK() : order.slice(0, k);
    const affinities = new Map<string, number>();
    for (const i of nearest) affinities.set(ids[i] as string, scores[i] as number);
    const entityId = ids[nearest[0] as number] as string;
    const base = order === undefined ? { entityId, affinities } : { entityId, affinities, extras: rankingExtras(order, ids, scores) };
    if (targets.length === 0) return { value: base.entityId, ...base };
    const targetValues = new Map<string, Value>();
    for (const t of targets) targetValues.set(t.name, predict(t, nearest));
    const value = targetValues.get((targets[0] as TargetSpec).name) ?? null;
    return targets.length === 1 ? { value, ...base } : { value, targetValues, ...base };
  };
  return { functionName, targets: targetNames, evaluate };
}
