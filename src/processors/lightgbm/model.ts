// A LightGBM text model compiled once into flat arrays, scored as Booster.predict() would:
// raw score = Σ tree outputs over the used iterations (÷ iterations for random forests), then
// the objective's link. Rows are converted and checked in full before any tree is walked.
import { ModelLoadError, type InputField, type OutputField, type RawValue, type TabularModel } from '../tabular/model.js';
import { buildForest, leafIndices, rawScores, type Forest } from './forest.js';
import { FormatError } from './format-error.js';
import { describeFeatures, toMatrix, type Feature } from './inputs.js';
import { applyLink, parseObjective, type Link, type Objective } from './objective.js';
import { parseModelText, type ParsedModel } from './text-format.js';

export interface LightgbmOptions {
  /** Use only the first N boosting iterations (Booster.predict(num_iteration=N)); default: all. */
  readonly numIteration?: number;
}

export interface LightgbmModel extends TabularModel {
  readonly processor: 'lightgbm';
  /** The leaf each used tree puts each row in, as Booster.predict(pred_leaf=True). */
  leafIndices(rows: readonly (readonly RawValue[])[]): number[][];
}

/** Compiles a LightGBM text model (v2-v4); throws ModelLoadError naming the file and the problem. */
export function loadLightgbmModel(bytes: Uint8Array, file: string, options: LightgbmOptions = {}): LightgbmModel {
  let parsed: ParsedModel;
  let objective: Objective;
  let features: Feature[];
  try {
    parsed = parseModelText(bytes);
    const { numClass, numTreePerIteration } = parsed.header;
    objective = parseObjective(parsed.header.objective, numClass);
    if ((objective.link.kind === 'softmax' || objective.link.kind === 'ova-sigmoid') && numTreePerIteration !== numClass) {
      throw new FormatError(`objective '${objective.name}' needs one tree per class, but num_tree_per_iteration=${numTreePerIteration} and num_class=${numClass}`);
    }
    features = describeFeatures(parsed);
  } catch (err) {
    if (err instanceof FormatError) throw new ModelLoadError(file, err.message);
    throw err;
  }
  const k = parsed.header.numTreePerIteration;
  const available = parsed.trees.length / k;
  const iterations = options.numIteration ?? available;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > available) {
    throw new ModelLoadError(file, `num_iteration must be an integer from 1 to ${available} (the model's iterations), got ${iterations}`);
  }
  return new CompiledLightgbm(parsed, objective, features, iterations);
}

const IDENTITY: Link = { kind: 'identity' };

function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

class CompiledLightgbm implements LightgbmModel {
  readonly processor = 'lightgbm' as const;
  readonly inputs: readonly InputField[];
  readonly outputs: readonly OutputField[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly #features: readonly Feature[];
  readonly #forest: Forest;
  readonly #iterations: number;
  readonly #k: number;
  readonly #average: boolean;
  readonly #link: Link;

  constructor(parsed: ParsedModel, objective: Objective, features: readonly Feature[], iterations: number) {
    const { header } = parsed;
    this.#features = features;
    this.#k = header.numTreePerIteration;
    this.#iterations = iterations;
    this.#forest = buildForest(parsed.trees.slice(0, iterations * this.#k));
    this.#average = header.averageOutput;
    this.#link = convertsLeaves(parsed, objective.link) ? IDENTITY : objective.link;
    this.inputs = features.map((f) => f.field);
    const type = this.#k === 1 ? 'number' : 'number[]';
    this.outputs = [
      { name: 'value', type, description: valueDescription(this.#link, this.#k) },
      { name: 'margin', type, description: `raw score${this.#k === 1 ? '' : ' per class'}: the sum of the tree outputs${this.#average ? ', averaged over the iterations' : ''}` },
    ];
    this.details = {
      format: 'LightGBM text',
      version: header.version,
      objective: header.objective ?? 'custom',
      num_class: header.numClass,
      trees: parsed.trees.length,
      iterations: parsed.trees.length / this.#k,
      num_iteration: iterations,
      average_output: header.averageOutput,
      link: this.#link.kind,
      linear: parsed.trees.some((t) => t.linear !== undefined),
      categorical_inputs: features.filter((f) => f.kind !== 'number').length,
    };
  }

  predict(rows: readonly (readonly RawValue[])[]): Record<string, unknown>[] {
    const width = this.#features.length;
    const k = this.#k;
    const x = toMatrix(rows, this.#features);
    const margin = rawScores(this.#forest, x, rows.length, width, this.#iterations, k);
    if (this.#average) {
      for (let i = 0; i < margin.length; i++) margin[i] = margin[i]! / this.#iterations;
    }
    const value = Float64Array.from(margin);
    for (let r = 0; r < rows.length; r++) applyLink(this.#link, value, r * k, k);
    const results: Record<string, unknown>[] = new Array<Record<string, unknown>>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      results[r] =
        k === 1
          ? { value: jsonNumber(value[r]!), margin: jsonNumber(margin[r]!) }
          : { value: Array.from(value.subarray(r * k, r * k + k), jsonNumber), margin: Array.from(margin.subarray(r * k, r * k + k), jsonNumber) };
    }
    return results;
  }

  leafIndices(rows: readonly (readonly RawValue[])[]): number[][] {
    const trees = this.#iterations * this.#k;
    const flat = leafIndices(this.#forest, toMatrix(rows, this.#features), rows.length, this.#features.length, trees);
    return rows.map((_, r) => Array.from(flat.subarray(r * trees, (r + 1) * trees)));
  }
}

/**
 * Random forests of LightGBM 2.2.2 and earlier stored each leaf already passed through the link
 * (a probability for binary) and averaged them without applying it again. From 2.2.3 on, still
 * writing "v2" files until 3.0, leaves hold raw scores and the link follows the average. A v2
 * forest is taken for the old kind unless a leaf lies outside the link's range.
 */
function convertsLeaves(parsed: ParsedModel, link: Link): boolean {
  if (parsed.header.version !== 'v2' || !parsed.header.averageOutput) return false;
  const inRange =
    link.kind === 'sigmoid' || link.kind === 'ova-sigmoid' || link.kind === 'softmax'
      ? (v: number) => v >= 0 && v <= 1
      : link.kind === 'exp' || link.kind === 'log1p-exp'
        ? (v: number) => v > 0
        : () => true;
  return parsed.trees.every((t) => t.leafValue.every(inRange));
}

function valueDescription(link: Link, k: number): string {
  switch (link.kind) {
    case 'sigmoid':
      return 'probability of the positive class';
    case 'softmax':
      return 'probability of each class';
    case 'ova-sigmoid':
      return 'one-vs-all probability of each class';
    case 'exp':
      return 'predicted mean: exp(raw score)';
    case 'log1p-exp':
      return 'log(1 + exp(raw score)) (cross_entropy_lambda)';
    case 'signed-square':
      return 'sign(raw score)·raw score² (regression with sqrt)';
    case 'identity':
      return k === 1 ? 'the prediction (raw score)' : 'the prediction per class (raw scores)';
  }
}
