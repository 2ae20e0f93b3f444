// ClusteringModel (center-based): the distance or similarity of a row to every cluster center,
// compiled once. The ComparisonMeasure code here is shared with NearestNeighborModel: field values
// become numbers (categories of delta/equal fields become codes) so one measure loop serves both.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { numberAttr, PmmlError } from '../fields.js';
import { parseArray } from '../predicates.js';
import { categoryKey, isDataType, isNumericType, parseNumber, parseText, toNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

export type CompareFunction = 'absDiff' | 'gaussSim' | 'delta' | 'equal';

/** How one field takes part in the comparison (ClusteringField, KNNInput). */
export interface ComparisonField {
  readonly field: string;
  readonly weight: number;
  readonly compare: CompareFunction;
  /** gaussSim's similarityScale. */
  readonly scale: number | undefined;
}

/** A compiled ComparisonMeasure over encoded values: NaN marks a missing input value. */
export interface Measure {
  readonly kind: 'distance' | 'similarity';
  /** The measure between x and the reference vector at `ref[offset ..]`; `adjustment` scales distances for missing values. */
  compare(x: Float64Array, ref: Float64Array, offset: number, adjustment: number): number;
}

const DISTANCES = new Set(['euclidean', 'squaredEuclidean', 'chebychev', 'cityBlock', 'minkowski']);
const SIMILARITIES = new Set(['simpleMatching', 'jaccard', 'tanimoto', 'binarySimilarity']);
const LN2 = Math.log(2);

/** A ClusteringField or KNNInput as a ComparisonField; `fallback` is the ComparisonMeasure's compareFunction. */
export function comparisonField(el: XmlElement, fallback: CompareFunction): ComparisonField {
  const field = el.attrs['field'];
  if (field === undefined) throw new PmmlError(`a ${el.name} has no field`);
  const text = el.attrs['compareFunction'];
  let compare = fallback;
  if (text !== undefined) {
    if (text === 'table') throw new PmmlError(`${el.name} "${field}": compareFunction "table" is not supported`);
    if (text !== 'absDiff' && text !== 'gaussSim' && text !== 'delta' && text !== 'equal') throw new PmmlError(`${el.name} "${field}" has unknown compareFunction "${text}"`);
    compare = text;
  }
  const scaleText = el.attrs['similarityScale'];
  const scale = scaleText === undefined ? undefined : parseNumber(scaleText);
  if (compare === 'gaussSim' && scale === undefined) throw new PmmlError(`${el.name} "${field}" uses gaussSim without a similarityScale`);
  return { field, weight: numberAttr(el, 'fieldWeight', 1), compare, scale };
}

/** The compareFunction a ComparisonMeasure gives fields that name none (absDiff by default). */
export function defaultCompareFunction(measureEl: XmlElement): CompareFunction {
  const text = measureEl.attrs['compareFunction'] ?? 'absDiff';
  if (text === 'absDiff' || text === 'delta' || text === 'equal') return text;
  throw new PmmlError(`ComparisonMeasure compareFunction "${text}" needs field attributes; set it on each field`);
}

function inner(f: ComparisonField, x: number, y: number): number {
  switch (f.compare) {
    case 'absDiff':
      return Math.abs(x - y);
    case 'gaussSim': {
      const s = f.scale as number;
      const z = x - y;
      return Math.exp((-LN2 * z * z) / (s * s));
    }
    case 'delta':
      return x === y ? 0 : 1;
    case 'equal':
      return x === y ? 1 : 0;
  }
}

/** Compiles the measure element inside a ComparisonMeasure for the given fields. */
export function compileMeasure(measureEl: XmlElement, fields: readonly ComparisonField[]): Measure {
  const m = measureEl.children.find((c) => DISTANCES.has(c.name) || SIMILARITIES.has(c.name));
  if (m === undefined) throw new PmmlError('ComparisonMeasure has no supported measure (euclidean, squaredEuclidean, chebychev, cityBlock, minkowski, simpleMatching, jaccard, tanimoto, binarySimilarity)');
  const n = fields.length;
  if (SIMILARITIES.has(m.name)) {
    const c = ['c11', 'c10', 'c01', 'c00', 'd11', 'd10', 'd01', 'd00'].map((p) => numberAttr(m, `${p}-parameter`, NaN));
    if (m.name === 'binarySimilarity' && c.some(Number.isNaN)) throw new PmmlError('binarySimilarity needs all eight c/d parameters');
    const [c11, c10, c01, c00, d11, d10, d01, d00] = c as [number, number, number, number, number, number, number, number];
    return {
      kind: 'similarity',
      compare: (x, ref, o) => {
        let a11 = 0;
        let a10 = 0;
        let a01 = 0;
        let a00 = 0;
        for (let i = 0; i < n; i++) {
          const a = x[i] as number;
          const b = ref[o + i] as number;
          if (!(a === 0 || a === 1)) return NaN;
          if (a === 1) {
            if (b === 1) a11++;
            else a10++;
          } else if (b === 1) a01++;
          else a00++;
        }
        switch (m.name) {
          case 'simpleMatching':
            return (a11 + a00) / (a11 + a10 + a01 + a00);
          case 'jaccard':
            return a11 / (a11 + a10 + a01);
          case 'tanimoto':
            return (a11 + a00) / (a11 + 2 * (a10 + a01) + a00);
          default:
            return (c11 * a11 + c10 * a10 + c01 * a01 + c00 * a00) / (d11 * a11 + d10 * a10 + d01 * a01 + d00 * a00);
        }
      },
    };
  }
  const p = m.name === 'minkowski' ? numberAttr(m, 'p-parameter', NaN) : m.name === 'euclidean' || m.name === 'squaredEuclidean' ? 2 : 1;
  if (Number.isNaN(p) || p < 0) throw new PmmlError('minkowski needs a non-negative p-parameter');
  const chebychev = m.name === 'chebychev';
  const root = m.name === 'euclidean' ? Math.sqrt : m.name === 'minkowski' ? (s: number) => Math.pow(s, 1 / p) : (s: number) => s;
  const power = p === 2 ? (d: number) => d * d : p === 1 ? (d: number) => d : (d: number) => Math.pow(d, p);
  return {
    kind: 'distance',
    compare: (x, ref, o, adjustment) => {
      let acc = chebychev ? -Infinity : 0;
      for (let i = 0; i < n; i++) {
        const a = x[i] as number;
        if (Number.isNaN(a)) continue;
        const f = fields[i] as ComparisonField;
        const d = f.weight * power(inner(f, a, ref[o + i] as number));
        acc = chebychev ? Math.max(acc, d) : acc + d;
      }
      return chebychev ? acc * adjustment : root(acc * adjustment);
    },
  };
}

/** Reads a field of a row as a number for the measure: numbers as they are, categories of
 * delta/equal fields as their code in `codes` (−1 when unknown), NaN when missing. */
export interface FieldEncoder {
  read(scope: Scope): number;
  /** A reference value (cluster center, training instance) as text or value. */
  encode(v: Value): number;
}

export function fieldEncoder(f: ComparisonField, env: CompileEnv): FieldEncoder {
  const read = env.compileExpression({ name: 'FieldRef', attrs: { field: f.field }, children: [], text: '' });
  const type = env.field(f.field)?.dataType ?? 'double';
  const numeric = f.compare === 'absDiff' || f.compare === 'gaussSim' || (isDataType(type) && isNumericType(type));
  if (numeric) {
    const asNumber = (v: Value): number => (v === null ? NaN : (toNumber(v) ?? NaN));
    return { read: (s) => asNumber(read(s)), encode: asNumber };
  }
  const codes = new Map<string, number>();
  const keyOf = (v: Exclude<Value, null>): string => {
    if (typeof v !== 'string' || !isDataType(type)) return categoryKey(v);
    const parsed = parseText(type, v);
    return parsed === undefined || parsed === null ? v : categoryKey(parsed);
  };
  return {
    read: (s) => {
      const v = read(s);
      return v === null ? NaN : (codes.get(categoryKey(v)) ?? -1);
    },
    encode: (v) => {
      if (v === null) return NaN;
      const key = keyOf(v);
      let code = codes.get(key);
      if (code === undefined) {
        code = codes.size;
        codes.set(key, code);
      }
      return code;
    },
  };
}

/** Reads a row into `x`, one value per encoder; false when every value is missing. */
export function readRow(encoders: readonly FieldEncoder[], scope: Scope, x: Float64Array): boolean {
  let present = false;
  for (let i = 0; i < encoders.length; i++) {
    const v = (encoders[i] as FieldEncoder).read(scope);
    x[i] = v;
    if (!Number.isNaN(v)) present = true;
  }
  return present;
}

/** Σweights / Σweights of the present values: how much a distance over fewer fields is scaled up. */
export function missingAdjustment(x: Float64Array, weights: Float64Array | undefined): number {
  let all = 0;
  let present = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    all += w;
    if (!Number.isNaN(x[i])) present += w;
  }
  return all / present;
}

/** The winner among `values`: the smallest distance or the largest similarity; the first on ties; −1 when none is a number. */
export function winner(values: Float64Array, kind: Measure['kind']): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    if (best < 0 || (kind === 'distance' ? v < (values[best] as number) : v > (values[best] as number))) best = i;
  }
  return best;
}

/** Whether the model's Output asks for entities or affinities past the first rank (then the model ranks all its entities). */
export function outputRanks(model: XmlElement): boolean {
  const output = child(model, 'Output');
  if (output === undefined) return false;
  return childrenNamed(output, 'OutputField').some((f) => {
    const feature = f.attrs['feature'] ?? '';
    const ranked = ['entityId', 'clusterId', 'affinity', 'entityAffinity', 'clusterAffinity'].includes(feature);
    return ranked && f.attrs['value'] === undefined && Number(f.attrs['rank'] ?? '1') > 1;
  });
}

/** Indices of `values` best first (smallest distance, largest similarity); ties keep index order. */
export function ranking(values: Float64Array, kind: Measure['kind']): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  const sign = kind === 'distance' ? 1 : -1;
  return idx.sort((a, b) => sign * ((values[a] as number) - (values[b] as number)) || a - b);
}

/** The ranking extras the entityId / affinity OutputFields read for ranks past the first. */
export function rankingExtras(order: readonly number[], ids: readonly string[], values: Float64Array): Record<string, unknown> {
  return { entityRanking: order.map((i) => ids[i] as string), affinityRanking: order.map((i) => values[i] as number) };
}

const NO_RESULT: ModelResult = Object.freeze({ value: null });

export function compileClusteringModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'clustering';
  const modelClass = el.attrs['modelClass'] ?? 'centerBased';
  if (modelClass !== 'centerBased') throw new PmmlError(`ClusteringModel modelClass "${modelClass}" is not supported (PMML defines no scoring procedure for it); only centerBased`);
  if (child(el, 'CenterFields') !== undefined) throw new PmmlError('ClusteringModel CenterFields (PMML 3.0) is not supported; use ClusteringField');
  const measureEl = child(el, 'ComparisonMeasure');
  if (measureEl === undefined) throw new PmmlError('ClusteringModel has no ComparisonMeasure');
  const fallback = defaultCompareFunction(measureEl);
  const fields = childrenNamed(el, 'ClusteringField')
    .filter((f) => f.attrs['isCenterField'] !== 'false')
    .map((f) => comparisonField(f, fallback));
  if (fields.length === 0) throw new PmmlError('ClusteringModel has no ClusteringField');
  const measure = compileMeasure(measureEl, fields);
  const encoders = fields.map((f) => fieldEncoder(f, env));
  const n = fields.length;

  const clusterEls = childrenNamed(el, 'Cluster');
  if (clusterEls.length === 0) throw new PmmlError('ClusteringModel has no Cluster');
  const centers = new Float64Array(clusterEls.length * n);
  const ids: string[] = [];
  const names: (string | undefined)[] = [];
  clusterEls.forEach((c, k) => {
    const id = c.attrs['id'] ?? String(k + 1);
    const array = child(c, 'Array');
    if (array === undefined) throw new PmmlError(`cluster "${id}" has no center Array`);
    const texts = parseArray(array);
    if (texts.length !== n) throw new PmmlError(`cluster "${id}" has ${texts.length} center values for ${n} clustering fields`);
    texts.forEach((t, i) => (centers[k * n + i] = (encoders[i] as FieldEncoder).encode(parseNumber(t) ?? t)));
    if (measure.kind === 'similarity' && texts.some((t) => t !== '0' && t !== '1' && parseNumber(t) !== 0 && parseNumber(t) !== 1)) {
      throw new PmmlError(`cluster "${id}" has a center value other than 0 or 1, which a similarity measure needs`);
    }
    ids.push(id);
    names.push(c.attrs['name']);
  });
  const weightsEl = child(el, 'MissingValueWeights');
  const weightsArray = weightsEl === undefined ? undefined : child(weightsEl, 'Array');
  const missingWeights = weightsArray === undefined ? undefined : Float64Array.from(parseArray(weightsArray).map((t) => parseNumber(t) ?? NaN));
  if (missingWeights !== undefined && (missingWeights.length !== n || missingWeights.some(Number.isNaN))) {
    throw new PmmlError(`MissingValueWeights must hold ${n} numbers, one per clustering field`);
  }

  const ranked = outputRanks(el);
  const x = new Float64Array(n);
  const evaluate = (scope: Scope): ModelResult => {
    if (!readRow(encoders, scope, x)) return NO_RESULT;
    const adjustment = missingAdjustment(x, missingWeights);
    const values = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) values[k] = measure.compare(x, centers, k * n, adjustment);
    const best = winner(values, measure.kind);
    if (best < 0) return NO_RESULT;
    const affinities = new Map<string, number>();
    for (let k = 0; k < ids.length; k++) affinities.set(ids[k] as string, values[k] as number);
    const id = ids[best] as string;
    const name = names[best];
    const r: ModelResult = name === undefined ? { value: id, entityId: id, affinities } : { value: id, entityId: id, entityName: name, affinities };
    return ranked ? { ...r, extras: rankingExtras(ranking(values, measure.kind), ids, values) } : r;
  };
  return { functionName, targets: [], evaluate };
}
