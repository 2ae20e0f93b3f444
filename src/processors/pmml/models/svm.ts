// SupportVectorMachineModel: f(x) = Σ αᵢ·K(x, xᵢ) + b per machine. The VectorDictionary is one
// dense Float64Array; per row the kernel value of every dictionary vector is computed once and
// shared by the machines that use it (one-against-one models reuse most vectors). Classification
// follows OneAgainstAll (lowest value wins, highest with maxWins) or OneAgainstOne (votes against
// a threshold); a missing classificationMethod is inferred from the machines, as the reference does.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { numberAttr, PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { parseArray } from '../predicates.js';
import { categoryKey, parseNumber, toNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

/** K(x, y) over dense vectors of the same length; `y` starts at `offset` in its array. */
export type Kernel = (x: Float64Array, y: Float64Array, offset: number) => number;

const NO_RESULT: ModelResult = Object.freeze({ value: null });

function dot(x: Float64Array, y: Float64Array, offset: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[offset + i] as number);
  return s;
}

/** The kernel of a *KernelType element, with PMML's defaults (gamma 1, coef0 1, degree 1). */
export function compileKernel(el: XmlElement): Kernel {
  switch (el.name) {
    case 'LinearKernelType':
      return dot;
    case 'PolynomialKernelType': {
      const gamma = numberAttr(el, 'gamma', 1);
      const coef0 = numberAttr(el, 'coef0', 1);
      const degree = numberAttr(el, 'degree', 1);
      return (x, y, o) => Math.pow(dot(x, y, o) * gamma + coef0, degree);
    }
    case 'RadialBasisKernelType': {
      const gamma = numberAttr(el, 'gamma', 1);
      return (x, y, o) => {
        let s = 0;
        for (let i = 0; i < x.length; i++) {
          const d = (x[i] as number) - (y[o + i] as number);
          s += d * d;
        }
        return Math.exp(-s * gamma);
      };
    }
    case 'SigmoidKernelType': {
      const gamma = numberAttr(el, 'gamma', 1);
      const coef0 = numberAttr(el, 'coef0', 1);
      return (x, y, o) => Math.tanh(dot(x, y, o) * gamma + coef0);
    }
    default:
      throw new PmmlError(`${el.name} is not a kernel type`);
  }
}

const KERNELS = new Set(['LinearKernelType', 'PolynomialKernelType', 'RadialBasisKernelType', 'SigmoidKernelType']);

/** A vector as written in a VectorInstance: a dense Array or a (1-based) REAL-/INT-SparseArray. */
export function parseVector(el: XmlElement, size: number, id: string): Float64Array {
  const out = new Float64Array(size);
  const dense = child(el, 'Array');
  const sparse = el.children.find((c) => c.name === 'REAL-SparseArray' || c.name === 'INT-SparseArray');
  const number = (t: string): number => {
    const n = parseNumber(t);
    if (n === undefined) throw new PmmlError(`vector "${id}" holds "${t}", which is not a number`);
    return n;
  };
  if (dense !== undefined) {
    const values = parseArray(dense);
    if (values.length !== size) throw new PmmlError(`vector "${id}" has ${values.length} values, VectorFields has ${size}`);
    values.forEach((t, i) => (out[i] = number(t)));
    return out;
  }
  if (sparse === undefined) throw new PmmlError(`vector "${id}" has no Array or SparseArray`);
  const indicesEl = child(sparse, 'Indices');
  const entriesEl = sparse.children.find((c) => c.name === 'REAL-Entries' || c.name === 'INT-Entries');
  const indices = indicesEl === undefined ? [] : parseArray(indicesEl).map(number);
  const entries = entriesEl === undefined ? [] : parseArray(entriesEl).map(number);
  if (indices.length !== entries.length) throw new PmmlError(`vector "${id}" has ${indices.length} indices and ${entries.length} entries`);
  indices.forEach((index, k) => {
    if (!Number.isInteger(index) || index < 1 || index > size) throw new PmmlError(`vector "${id}" has index ${index} outside 1..${size}`);
    out[index - 1] = entries[k] as number;
  });
  return out;
}

/** The input vector of a row from VectorFields (FieldRef and CategoricalPredictor); false when a value is missing. */
function compileVectorFields(fieldsEl: XmlElement, env: CompileEnv): { size: number; fill: (scope: Scope, x: Float64Array) => boolean } {
  const entries = fieldsEl.children.map((f): ((scope: Scope) => number | null) => {
    if (f.name === 'FieldRef') {
      const read = env.compileExpression(f);
      return (s) => {
        const v = read(s);
        return v === null ? null : (toNumber(v) ?? null);
      };
    }
    if (f.name === 'CategoricalPredictor') {
      const name = f.attrs['name'] ?? f.attrs['field'];
      const text = f.attrs['value'];
      if (name === undefined || text === undefined) throw new PmmlError('a CategoricalPredictor of VectorFields needs name and value');
      const coefficient = numberAttr(f, 'coefficient', 1);
      const read = env.compileExpression({ name: 'FieldRef', attrs: { field: name }, children: [], text: '' });
      const parsed = env.parse(name, text);
      const key = parsed === null ? text : categoryKey(parsed);
      return (s) => {
        const v = read(s);
        return v === null ? null : categoryKey(v) === key ? coefficient : 0;
      };
    }
    throw new PmmlError(`VectorFields holds ${f.name}; FieldRef or CategoricalPredictor is required`);
  });
  return {
    size: entries.length,
    fill: (scope, x) => {
      for (let i = 0; i < entries.length; i++) {
        const v = (entries[i] as (s: Scope) => number | null)(scope);
        if (v === null) return false;
        x[i] = v;
      }
      return true;
    },
  };
}

interface Machine {
  readonly target: string | undefined;
  readonly alternate: string | undefined;
  readonly threshold: number;
  readonly b: number;
  /** SupportVectors: dictionary indices and coefficients. Coefficients representation: one coefficient per vector field. */
  readonly vectors: Int32Array;
  readonly alphas: Float64Array;
}

type Method = 'OneAgainstAll' | 'OneAgainstOne';

/** The classificationMethod, inferred from the machines when the attribute is absent (older producers leave it out). */
function classificationMethod(el: XmlElement, machines: readonly Machine[]): Method {
  const declared = el.attrs['classificationMethod'];
  if (declared === 'OneAgainstAll' || declared === 'OneAgainstOne') return declared;
  if (declared !== undefined) throw new PmmlError(`SupportVectorMachineModel has unknown classificationMethod "${declared}"`);
  if (el.attrs['alternateBinaryTargetCategory'] !== undefined) return 'OneAgainstOne';
  return machines[0]?.alternate !== undefined ? 'OneAgainstOne' : 'OneAgainstAll';
}

export function compileSupportVectorMachineModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'classification';
  const targets = miningTargets(el);
  const target = targets[0];
  const representation = el.attrs['svmRepresentation'] ?? 'SupportVectors';
  if (representation !== 'SupportVectors' && representation !== 'Coefficients') throw new PmmlError(`SupportVectorMachineModel has unknown svmRepresentation "${representation}"`);
  const kernelEl = el.children.find((c) => KERNELS.has(c.name));
  if (kernelEl === undefined) throw new PmmlError('SupportVectorMachineModel has no kernel type');
  if (representation === 'Coefficients' && kernelEl.name !== 'LinearKernelType') throw new PmmlError(`svmRepresentation "Coefficients" needs a LinearKernelType, not ${kernelEl.name}`);
  const kernel = compileKernel(kernelEl);
  const dictionary = child(el, 'VectorDictionary');
  const fieldsEl = dictionary === undefined ? undefined : child(dictionary, 'VectorFields');
  if (dictionary === undefined || fieldsEl === undefined) throw new PmmlError('SupportVectorMachineModel has no VectorDictionary with VectorFields');
  const input = compileVectorFields(fieldsEl, env);
  const d = input.size;
  const instances = childrenNamed(dictionary, 'VectorInstance');
  const vectorIndex = new Map<string, number>();
  const matrix = new Float64Array(instances.length * d);
  instances.forEach((v, i) => {
    const id = v.attrs['id'];
    if (id === undefined) throw new PmmlError('a VectorInstance has no id');
    matrix.set(parseVector(v, d, id), i * d);
    vectorIndex.set(id, i);
  });
  const modelThreshold = numberAttr(el, 'threshold', 0);
  const machines: Machine[] = childrenNamed(el, 'SupportVectorMachine').map((m, i) => {
    const coefficientsEl = child(m, 'Coefficients');
    if (coefficientsEl === undefined) throw new PmmlError(`SupportVectorMachine ${i + 1} has no Coefficients`);
    const alphas = Float64Array.from(childrenNamed(coefficientsEl, 'Coefficient').map((c) => numberAttr(c, 'value', 0)));
    let vectors = new Int32Array(0);
    if (representation === 'SupportVectors') {
      const ids = childrenNamed(child(m, 'SupportVectors') ?? m, 'SupportVector').map((s) => s.attrs['vectorId'] ?? '');
      vectors = Int32Array.from(
        ids.map((id) => {
          const k = vectorIndex.get(id);
          if (k === undefined) throw new PmmlError(`SupportVectorMachine ${i + 1} refers to vector "${id}", which is not in the VectorDictionary`);
          return k;
        }),
      );
      if (vectors.length !== alphas.length) throw new PmmlError(`SupportVectorMachine ${i + 1} has ${vectors.length} support vectors and ${alphas.length} coefficients`);
    } else if (alphas.length !== d) {
      throw new PmmlError(`SupportVectorMachine ${i + 1} has ${alphas.length} coefficients for ${d} vector fields`);
    }
    return {
      target: m.attrs['targetCategory'],
      alternate: m.attrs['alternateTargetCategory'],
      threshold: numberAttr(m, 'threshold', modelThreshold),
      b: numberAttr(coefficientsEl, 'absoluteValue', 0),
      vectors,
      alphas,
    };
  });
  if (machines.length === 0) throw new PmmlError('SupportVectorMachineModel has no SupportVectorMachine');

  const x = new Float64Array(d);
  const kernelValues = new Float64Array(instances.length);
  const used = new Uint8Array(instances.length);
  for (const m of machines) for (const k of m.vectors) used[k] = 1;

  /** Fills x and the kernel value of every used dictionary vector; false when an input is missing. */
  const prepare = (scope: Scope): boolean => {
    if (!input.fill(scope, x)) return false;
    if (representation === 'SupportVectors') {
      for (let k = 0; k < instances.length; k++) if (used[k] === 1) kernelValues[k] = kernel(x, matrix, k * d);
    }
    return true;
  };
  const decision = (m: Machine): number => {
    let s = 0;
    if (representation === 'SupportVectors') {
      for (let i = 0; i < m.vectors.length; i++) s += (m.alphas[i] as number) * (kernelValues[m.vectors[i] as number] as number);
    } else {
      for (let i = 0; i < d; i++) s += (m.alphas[i] as number) * (x[i] as number);
    }
    return s + m.b;
  };

  if (functionName === 'regression') {
    if (machines.length !== 1) throw new PmmlError(`a regression SupportVectorMachineModel needs one SupportVectorMachine, it has ${machines.length}`);
    const m = machines[0] as Machine;
    return { functionName, targets, evaluate: (scope) => (prepare(scope) ? { value: decision(m) } : NO_RESULT) };
  }
  if (functionName !== 'classification') throw new PmmlError(`SupportVectorMachineModel does not support functionName "${functionName}"`);
  if (target === undefined) throw new PmmlError('a classification SupportVectorMachineModel needs a target field');
  return { functionName, targets, evaluate: classifier(el, env, target, machines, prepare, decision) };
}

function classifier(
  el: XmlElement,
  env: CompileEnv,
  target: string,
  machines: readonly Machine[],
  prepare: (scope: Scope) => boolean,
  decision: (m: Machine) => number,
): (scope: Scope) => ModelResult {
  const maxWins = el.attrs['maxWins'] === 'true';
  const method = classificationMethod(el, machines);
  const values = new Map<string, Value>();
  const keyOf = (text: string | undefined, what: string): string => {
    if (text === undefined) throw new PmmlError(`a SupportVectorMachine has no ${what}`);
    const v = env.parse(target, text);
    if (v === null) throw new PmmlError(`a SupportVectorMachine names an empty ${what}`);
    const key = categoryKey(v);
    if (!values.has(key)) values.set(key, v);
    return key;
  };
  if (method === 'OneAgainstAll') {
    const keys = machines.map((m) => keyOf(m.target, 'targetCategory'));
    if (machines.some((m) => m.alternate !== undefined)) throw new PmmlError('OneAgainstAll machines must not name an alternateTargetCategory');
    // A single binary machine without an alternate category votes like OneAgainstOne against the other category.
    const categories = env.field(target)?.values ?? [];
    if (machines.length === 1 && categories.length === 2) {
      const other = categories.find((c) => categoryKey(env.parse(target, c) ?? c) !== keys[0]);
      if (other !== undefined) return voter(machines, [keys[0] as string], [keyOf(other, 'category')], values, maxWins, prepare, decision);
    }
    return (scope) => {
      if (!prepare(scope)) return NO_RESULT;
      let best = -1;
      let bestValue = 0;
      const affinities = new Map<string, number>();
      for (let i = 0; i < machines.length; i++) {
        const v = decision(machines[i] as Machine);
        affinities.set(keys[i] as string, v);
        if (best < 0 || (maxWins ? v > bestValue : v < bestValue)) {
          best = i;
          bestValue = v;
        }
      }
      return { value: values.get(keys[best] as string) ?? null, affinities };
    };
  }
  const binaryAlternate = el.attrs['alternateBinaryTargetCategory'];
  if (binaryAlternate !== undefined) {
    if (machines.length !== 1) throw new PmmlError('alternateBinaryTargetCategory needs exactly one SupportVectorMachine');
    const m = machines[0] as Machine;
    const targetKey = keyOf(m.target, 'targetCategory');
    const alternateKey = keyOf(binaryAlternate, 'alternateBinaryTargetCategory');
    // The machine predicts 1 for targetCategory and 0 for the alternate category.
    return (scope) => {
      if (!prepare(scope)) return NO_RESULT;
      const rounded = Math.round(decision(m));
      if (rounded !== 0 && rounded !== 1) return NO_RESULT;
      const key = rounded === 1 ? targetKey : alternateKey;
      return { value: values.get(key) ?? null, probabilities: new Map([[key, 1]]) };
    };
  }
  const targetKeys = machines.map((m) => keyOf(m.target, 'targetCategory'));
  const alternateKeys = machines.map((m) => keyOf(m.alternate, 'alternateTargetCategory'));
  return voter(machines, targetKeys, alternateKeys, values, maxWins, prepare, decision);
}

/** OneAgainstOne voting: each machine votes for its targetCategory when its value is below its threshold
 * (above it with maxWins), else for the alternate category. Probabilities are the vote shares; ties go to
 * the category that received a vote first. */
function voter(
  machines: readonly Machine[],
  targetKeys: readonly string[],
  alternateKeys: readonly string[],
  values: ReadonlyMap<string, Value>,
  maxWins: boolean,
  prepare: (scope: Scope) => boolean,
  decision: (m: Machine) => number,
): (scope: Scope) => ModelResult {
  return (scope) => {
    if (!prepare(scope)) return NO_RESULT;
    const votes = new Map<string, number>();
    for (let i = 0; i < machines.length; i++) {
      const m = machines[i] as Machine;
      const v = decision(m);
      const forTarget = maxWins ? v > m.threshold : v < m.threshold;
      const key = forTarget ? (targetKeys[i] as string) : (alternateKeys[i] as string);
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = 0;
    for (const [key, n] of votes) {
      if (n > bestVotes) {
        best = key;
        bestVotes = n;
      }
    }
    const probabilities = new Map<string, number>();
    for (const [key, n] of votes) probabilities.set(key, n / machines.length);
    return { value: best === undefined ? null : (values.get(best) ?? null), probabilities };
  };
}
