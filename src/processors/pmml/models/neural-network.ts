// NeuralNetwork: a feed-forward network compiled into flat typed arrays. Every input and neuron
// is a node with a slot in one Float64Array; a neuron holds the node indices and weights of its
// connections. NeuralOutputs map output neurons back to targets: NormContinuous is inverted for
// regression, NormDiscrete names the category whose probability the neuron gives.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { expressionChild } from '../expressions.js';
import { optionalNumberAttr, PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { categoryKey, toNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

/** An activation function of PMML: the neuron's output from its weighted input sum z. */
export type Activation = (z: number) => number;

/** PMML's activation functions, except radialBasis (which needs the connection weights, see radialBasis()). */
export const ACTIVATIONS: ReadonlyMap<string, (threshold: number) => Activation> = new Map<string, (threshold: number) => Activation>([
  ['threshold', (t) => (z) => (z > t ? 1 : 0)],
  ['logistic', () => (z) => 1 / (1 + Math.exp(-z))],
  ['tanh', () => Math.tanh],
  ['identity', () => (z) => z],
  ['exponential', () => Math.exp],
  ['reciprocal', () => (z) => 1 / z],
  ['square', () => (z) => z * z],
  ['Gauss', () => (z) => Math.exp(-(z * z))],
  ['sine', () => Math.sin],
  ['cosine', () => Math.cos],
  ['Elliott', () => (z) => z / (1 + Math.abs(z))],
  ['arctan', () => (z) => (2 * Math.atan(z)) / Math.PI],
  ['rectifier', () => (z) => Math.max(z, 0)],
]);

/** radialBasis: exp(fanIn·ln(altitude) − Σ(xᵢ − wᵢ)² / (2·width²)); the bias is not used. */
export function radialBasis(squaredDistance: number, width: number, altitude: number, fanIn: number): number {
  let z = squaredDistance / (-2 * width * width);
  if (altitude !== 1) z += Math.log(altitude) * fanIn;
  return Math.exp(z);
}

/** Layer normalization in place over values[from, to): softmax (shifted by the maximum) or simplemax. */
export function normalizeLayer(values: Float64Array, from: number, to: number, method: Normalization): void {
  if (method === 'none' || to <= from) return;
  if (method === 'softmax') {
    let max = -Infinity;
    for (let i = from; i < to; i++) max = Math.max(max, values[i] as number);
    for (let i = from; i < to; i++) values[i] = Math.exp((values[i] as number) - max);
  }
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] as number;
  if (sum === 1) return;
  for (let i = from; i < to; i++) values[i] = (values[i] as number) / sum;
}

export type Normalization = 'none' | 'softmax' | 'simplemax';

interface Layer {
  /** Node range of the layer's neurons. */
  readonly from: number;
  readonly to: number;
  /** Undefined for radialBasis. */
  readonly activation: Activation | undefined;
  readonly normalization: Normalization;
}

/** One target's outputs: a regression neuron (with its inverse normalization) or a neuron per category. */
type TargetOutput =
  | { readonly kind: 'regression'; readonly target: string; readonly node: number; readonly denormalize: (y: number) => number }
  | { readonly kind: 'classification'; readonly target: string; readonly nodes: Int32Array; readonly keys: readonly string[]; readonly values: readonly Value[]; readonly ids: readonly string[] };

const NO_RESULT: ModelResult = Object.freeze({ value: null });

function asNumber(v: Value): number | null {
  if (v === null) return null;
  const n = toNumber(v);
  return n === undefined ? null : n;
}

/** The inverse of a NormContinuous: finds the LinearNorm segment by norm value; outside, the end segments extend. */
export function denormalizer(normContinuous: XmlElement): (y: number) => number {
  const points = childrenNamed(normContinuous, 'LinearNorm').map((ln) => ({ orig: optionalNumberAttr(ln, 'orig'), norm: optionalNumberAttr(ln, 'norm') }));
  if (points.length < 2 || points.some((p) => p.orig === undefined || p.norm === undefined)) {
    throw new PmmlError(`NormContinuous on "${normContinuous.attrs['field'] ?? ''}" needs at least two LinearNorm elements with orig and norm`);
  }
  const orig = Float64Array.from(points.map((p) => p.orig as number));
  const norm = Float64Array.from(points.map((p) => p.norm as number));
  const last = points.length - 1;
  return (y) => {
    let start = 0;
    let end = last;
    for (let i = 1; i < last; i++) {
      if (y >= (norm[i] as number)) start = i;
      else {
        end = i;
        break;
      }
    }
    return ((y - (norm[start] as number)) / ((norm[end] as number) - (norm[start] as number))) * ((orig[end] as number) - (orig[start] as number)) + (orig[start] as number);
  };
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (text === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new PmmlError(`NeuralNetwork has unknown ${what} "${text}"`);
}

const NORMALIZATIONS: readonly Normalization[] = ['none', 'softmax', 'simplemax'];

export function compileNeuralNetwork(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const nodeIndex = new Map<string, number>();

  const inputsEl = child(el, 'NeuralInputs');
  if (inputsEl === undefined) throw new PmmlError('NeuralNetwork has no NeuralInputs');
  const inputs = childrenNamed(inputsEl, 'NeuralInput').map((input) => {
    const id = input.attrs['id'];
    if (id === undefined) throw new PmmlError('a NeuralInput has no id');
    const derived = child(input, 'DerivedField');
    const expr = derived === undefined ? undefined : expressionChild(derived);
    if (expr === undefined) throw new PmmlError(`NeuralInput "${id}" has no DerivedField expression`);
    nodeIndex.set(id, nodeIndex.size);
    return env.compileExpression(expr);
  });
  if (inputs.length === 0) throw new PmmlError('NeuralNetwork has no NeuralInput');

  const netActivation = el.attrs['activationFunction'];
  const netNormalization = oneOf(el.attrs['normalizationMethod'], NORMALIZATIONS, 'normalizationMethod') ?? 'none';
  const layers: Layer[] = [];
  const starts: number[] = [];
  const sources: number[] = [];
  const weights: number[] = [];
  const biases: number[] = [];
  const widths: number[] = [];
  const altitudes: number[] = [];
  for (const layerEl of childrenNamed(el, 'NeuralLayer')) {
    const activationName = layerEl.attrs['activationFunction'] ?? netActivation;
    if (activationName === undefined) throw new PmmlError('NeuralNetwork has no activationFunction');
    const threshold = optionalNumberAttr(layerEl, 'threshold') ?? optionalNumberAttr(el, 'threshold') ?? 0;
    const width = optionalNumberAttr(layerEl, 'width') ?? optionalNumberAttr(el, 'width');
    const altitude = optionalNumberAttr(layerEl, 'altitude') ?? optionalNumberAttr(el, 'altitude') ?? 1;
    const radial = activationName === 'radialBasis';
    const makeActivation = ACTIVATIONS.get(activationName);
    if (!radial && makeActivation === undefined) throw new PmmlError(`NeuralNetwork has unknown activationFunction "${activationName}"`);
    const normalization = oneOf(layerEl.attrs['normalizationMethod'], NORMALIZATIONS, 'normalizationMethod') ?? netNormalization;
    const from = nodeIndex.size;
    for (const neuron of childrenNamed(layerEl, 'Neuron')) {
      const id = neuron.attrs['id'];
      if (id === undefined) throw new PmmlError('a Neuron has no id');
      if (nodeIndex.has(id)) throw new PmmlError(`neuron id "${id}" is used twice`);
      starts.push(sources.length);
      for (const con of childrenNamed(neuron, 'Con')) {
        const fromId = con.attrs['from'] ?? '';
        const source = nodeIndex.get(fromId);
        if (source === undefined) throw new PmmlError(`neuron "${id}" connects from "${fromId}", which is not an input or a neuron of an earlier layer`);
        const w = optionalNumberAttr(con, 'weight');
        if (w === undefined) throw new PmmlError(`a connection of neuron "${id}" has no weight`);
        sources.push(source);
        weights.push(w);
      }
      biases.push(optionalNumberAttr(neuron, 'bias') ?? 0);
      const neuronWidth = optionalNumberAttr(neuron, 'width') ?? width;
      if (radial && neuronWidth === undefined) throw new PmmlError(`neuron "${id}" uses radialBasis but no width is given`);
      widths.push(neuronWidth ?? 0);
      altitudes.push(optionalNumberAttr(neuron, 'altitude') ?? altitude);
      nodeIndex.set(id, nodeIndex.size);
    }
    layers.push({ from, to: nodeIndex.size, activation: makeActivation?.(threshold), normalization });
  }
  if (layers.length === 0) throw new PmmlError('NeuralNetwork has no NeuralLayer');
  starts.push(sources.length);

  const nInputs = inputs.length;
  const nodes = new Float64Array(nodeIndex.size);
  const start = Int32Array.from(starts);
  const src = Int32Array.from(sources);
  const w = Float64Array.from(weights);
  const bias = Float64Array.from(biases);
  const width = Float64Array.from(widths);
  const altitude = Float64Array.from(altitudes);
  const idOfNode: string[] = [];
  for (const [id, i] of nodeIndex) idOfNode[i] = id;

  const outputs = compileOutputs(el, env, nodeIndex, idOfNode);
  const targets = miningTargets(el);
  const firstTarget = targets[0] ?? outputs[0]?.target;

  /** Runs the network on a row; false when an input is missing. */
  const forward = (scope: Scope): boolean => {
    for (let i = 0; i < nInputs; i++) {
      const x = asNumber((inputs[i] as (s: Scope) => Value)(scope));
      if (x === null) return false;
      nodes[i] = x;
    }
    for (const layer of layers) {
      const act = layer.activation;
      for (let n = layer.from; n < layer.to; n++) {
        const k = n - nInputs;
        const end = start[k + 1] as number;
        if (act !== undefined) {
          let z = 0;
          for (let c = start[k] as number; c < end; c++) z += (w[c] as number) * (nodes[src[c] as number] as number);
          nodes[n] = act(z + (bias[k] as number));
        } else {
          let d = 0;
          for (let c = start[k] as number; c < end; c++) {
            const diff = (nodes[src[c] as number] as number) - (w[c] as number);
            d += diff * diff;
          }
          nodes[n] = radialBasis(d, width[k] as number, altitude[k] as number, end - (start[k] as number));
        }
      }
      normalizeLayer(nodes, layer.from, layer.to, layer.normalization);
    }
    return true;
  };

  const evaluate = (scope: Scope): ModelResult => {
    if (!forward(scope)) return NO_RESULT;
    let first: ModelResult | undefined;
    const targetValues = outputs.length > 1 ? new Map<string, Value>() : undefined;
    for (const out of outputs) {
      const r = out.kind === 'regression' ? { value: out.denormalize(nodes[out.node] as number) } : classify(out, nodes);
      targetValues?.set(out.target, r.value);
      if (first === undefined || out.target === firstTarget) first = r;
    }
    if (first === undefined) return NO_RESULT;
    return targetValues === undefined ? first : { ...first, targetValues };
  };

  return { functionName, targets: targets.length > 0 ? targets : [...new Set(outputs.map((o) => o.target))], evaluate };
}

/** Probabilities from the output neurons of one categorical target; the first most probable category wins. */
function classify(out: Extract<TargetOutput, { kind: 'classification' }>, nodes: Float64Array): ModelResult {
  const probabilities = new Map<string, number>();
  let best = -1;
  let bestP = -Infinity;
  for (let i = 0; i < out.nodes.length; i++) {
    const p = nodes[out.nodes[i] as number] as number;
    probabilities.set(out.keys[i] as string, p);
    if (p > bestP) {
      bestP = p;
      best = i;
    }
  }
  return best < 0 ? NO_RESULT : { value: out.values[best] ?? null, probabilities, entityId: out.ids[best] };
}

/** A NeuralOutput's expression; a FieldRef to one of the model's LocalTransformations stands for that field's expression. */
function outputExpression(expr: XmlElement | undefined, local: ReadonlyMap<string, XmlElement>, targets: readonly string[]): XmlElement | undefined {
  for (let depth = 0; expr?.name === 'FieldRef' && depth < 8; depth++) {
    const name = expr.attrs['field'] ?? '';
    if (targets.length === 0 || targets.includes(name)) return expr;
    const next = local.get(name);
    if (next === undefined) throw new PmmlError(`a NeuralOutput refers to "${name}", which is neither a target nor a field of the model's LocalTransformations`);
    expr = expressionChild(next);
  }
  return expr;
}

function compileOutputs(el: XmlElement, env: CompileEnv, nodeIndex: ReadonlyMap<string, number>, idOfNode: readonly string[]): TargetOutput[] {
  const targets = miningTargets(el);
  const localEl = child(el, 'LocalTransformations');
  const local = new Map((localEl === undefined ? [] : childrenNamed(localEl, 'DerivedField')).map((d) => [d.attrs['name'] ?? '', d] as const));
  const outputsEl = child(el, 'NeuralOutputs');
  if (outputsEl === undefined) throw new PmmlError('NeuralNetwork has no NeuralOutputs');
  const regression: TargetOutput[] = [];
  const categories = new Map<string, { nodes: number[]; keys: string[]; values: Value[] }>();
  for (const out of childrenNamed(outputsEl, 'NeuralOutput')) {
    const neuron = out.attrs['outputNeuron'] ?? '';
    const node = nodeIndex.get(neuron);
    if (node === undefined) throw new PmmlError(`NeuralOutput names outputNeuron "${neuron}", which is not a neuron`);
    const derived = child(out, 'DerivedField');
    const expr = outputExpression(derived === undefined ? undefined : expressionChild(derived), local, targets);
    if (expr === undefined) throw new PmmlError(`the NeuralOutput of neuron "${neuron}" has no DerivedField expression`);
    const target = expr.attrs['field'];
    if (target === undefined) throw new PmmlError(`the NeuralOutput of neuron "${neuron}" has a ${expr.name} without a field`);
    switch (expr.name) {
      case 'FieldRef':
        regression.push({ kind: 'regression', target, node, denormalize: (y) => y });
        break;
      case 'NormContinuous':
        regression.push({ kind: 'regression', target, node, denormalize: denormalizer(expr) });
        break;
      case 'NormDiscrete': {
        const text = expr.attrs['value'];
        if (text === undefined) throw new PmmlError(`the NeuralOutput of neuron "${neuron}" has a NormDiscrete without a value`);
        const value = env.parse(target, text);
        if (value === null) throw new PmmlError(`the NeuralOutput of neuron "${neuron}" names an empty category`);
        const entry = categories.get(target) ?? { nodes: [], keys: [], values: [] };
        categories.set(target, entry);
        entry.nodes.push(node);
        entry.keys.push(categoryKey(value));
        entry.values.push(value);
        break;
      }
      default:
        throw new PmmlError(`the NeuralOutput of neuron "${neuron}" uses ${expr.name}; FieldRef, NormContinuous or NormDiscrete of a target field is required`);
    }
  }
  const classification: TargetOutput[] = [...categories].map(([target, e]) => ({
    kind: 'classification',
    target,
    nodes: Int32Array.from(e.nodes),
    keys: e.keys,
    values: e.values,
    ids: e.nodes.map((n) => idOfNode[n] as string),
  }));
  const all = [...regression, ...classification];
  if (all.length === 0) throw new PmmlError('NeuralNetwork has no NeuralOutput');
  return all;
}
