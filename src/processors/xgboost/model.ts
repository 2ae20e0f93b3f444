// An XGBoost booster compiled for prediction: the TabularModel the tabular runner calls.
import type { InputField, OutputField, RawValue, TabularModel } from '../tabular/model.js';
import { addForest } from './forest-kernels.js';
import { type Forest, compileForest } from './forest.js';
import { ModelFormatError } from './format-error.js';
import { type Feature, buildFeatures, toMatrix } from './inputs.js';
import { type Linear, addLinear, compileLinear } from './linear.js';
import { rowWidth } from './matrix.js';
import { type Objective, SUPPORTED_OBJECTIVES, argmax, findObjective, softmax, transformScalar } from './objective.js';
import type { ModelSpec } from './spec.js';

/** Matrix values kept for reuse between predict() calls (8 MB: 10,000 rows of 50 features). */
const SCRATCH_LIMIT = 1024 * 1024;

export interface XgboostOptions {
  /**
   * Use boosting rounds [0, iterationEnd), like iteration_range=(0, iterationEnd) in XGBoost.
   * Default: best_iteration + 1 when the model records a best_iteration, else every round.
   */
  readonly iterationEnd?: number;
}

export class XgboostModel implements TabularModel {
  readonly processor = 'xgboost' as const;
  readonly inputs: readonly InputField[];
  readonly outputs: readonly OutputField[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly #features: readonly Feature[];
  readonly #objective: Objective;
  readonly #numGroups: number;
  readonly #baseMargin: Float32Array;
  readonly #forest: Forest | undefined;
  readonly #linear: Linear | undefined;
  #matrix = new Float64Array(0);

  constructor(spec: ModelSpec, options: XgboostOptions = {}) {
    const objective = findObjective(spec.objective);
    if (objective === undefined) {
      throw new ModelFormatError(`unsupported objective "${spec.objective}" (supported: ${SUPPORTED_OBJECTIVES.join(', ')})`);
    }
    this.#objective = objective;
    const k = spec.numClass > 1 ? spec.numClass : spec.numTarget;
    this.#numGroups = k;
    if (spec.baseScore.length !== 1 && spec.baseScore.length !== k) {
      throw new ModelFormatError(`base_score has ${spec.baseScore.length} values for ${k} outputs`);
    }
    this.#baseMargin = Float32Array.from({ length: k }, (_, g) => objective.link(Math.fround(spec.baseScore[spec.baseScore.length === 1 ? 0 : g] ?? 0)));
    this.#features = buildFeatures(spec);
    this.inputs = this.#features.map((f) => f.field);

    const bestIteration = readBestIteration(spec);
    let treesUsed = 0;
    let rounds = 0;
    let iterationEnd: number | null = null;
    if (spec.booster === 'gblinear') {
      if (options.iterationEnd !== undefined) throw new ModelFormatError('iterationEnd does not apply to a gblinear model');
      this.#linear = compileLinear(spec.linearWeights ?? [], spec.numFeature, k);
    } else {
      const bounds = roundBounds(spec, k);
      rounds = bounds.length - 1;
      iterationEnd = chooseIterationEnd(options.iterationEnd, bestIteration, rounds);
      treesUsed = bounds[iterationEnd] ?? spec.trees.length;
      this.#forest = compileForest(spec.trees.slice(0, treesUsed), spec.treeInfo, {
        numFeature: spec.numFeature,
        numGroups: k,
        ...(spec.weightDrop !== undefined ? { weights: spec.weightDrop } : {}),
      });
    }

    const vector = k > 1 && objective.transform !== 'argmax';
    this.outputs = [
      { name: 'value', type: vector ? 'number[]' : 'number', description: valueDescription(objective, k) },
      { name: 'margin', type: k > 1 ? 'number[]' : 'number', description: 'raw score before the objective transform (output_margin=True)' },
    ];
    this.details = {
      format: spec.format,
      xgboost_version: spec.version,
      booster: spec.booster,
      objective: spec.objective,
      num_feature: spec.numFeature,
      num_class: spec.numClass,
      num_target: spec.numTarget,
      trees: spec.trees.length,
      trees_used: treesUsed,
      rounds,
      iteration_end: iterationEnd,
      best_iteration: bestIteration ?? null,
      base_score: spec.baseScore.length === 1 ? spec.baseScore[0] : [...spec.baseScore],
    };
  }

  predict(rows: readonly (readonly RawValue[])[]): Record<string, unknown>[] {
    const n = rows.length;
    const nf = this.#features.length;
    const k = this.#numGroups;
    const x = toMatrix(rows, this.#features, this.#scratch(n));
    const margins = new Float32Array(n * k);
    if (k === 1) margins.fill(this.#baseMargin[0]!);
    else for (let i = 0; i < n * k; i += k) margins.set(this.#baseMargin, i);
    if (this.#forest !== undefined) addForest(this.#forest, x, n, margins, k);
    if (this.#linear !== undefined) addLinear(this.#linear, x, n, nf, margins, k);
    return k === 1 ? this.#scalarResults(margins) : this.#vectorResults(margins, n);
  }

  /**
   * A reused matrix buffer for batches up to SCRATCH_LIMIT values: a fresh multi-megabyte array
   * per call costs page faults and zeroing. predict() is synchronous, so one buffer suffices.
   */
  #scratch(rows: number): Float64Array | undefined {
    const size = rows * rowWidth(this.#features.length);
    if (size > SCRATCH_LIMIT) return undefined;
    if (this.#matrix.length < size) this.#matrix = new Float64Array(Math.min(SCRATCH_LIMIT, Math.max(size, 2 * this.#matrix.length)));
    return this.#matrix;
  }

  #scalarResults(margins: Float32Array): Record<string, unknown>[] {
    const transform = this.#objective.transform;
    const out = new Array<Record<string, unknown>>(margins.length);
    for (let r = 0; r < margins.length; r++) {
      const m = margins[r]!;
      out[r] = { value: finite(transformScalar(transform, m)), margin: finite(m) };
    }
    return out;
  }

  #vectorResults(margins: Float32Array, n: number): Record<string, unknown>[] {
    const k = this.#numGroups;
    const transform = this.#objective.transform;
    const out = new Array<Record<string, unknown>>(n);
    for (let r = 0; r < n; r++) {
      const from = r * k;
      const margin = Array.from(margins.subarray(from, from + k), finite);
      let value: unknown;
      if (transform === 'argmax') {
        value = argmax(margins, from, k);
      } else if (transform === 'softmax') {
        const p: number[] = new Array<number>(k);
        softmax(margins, from, k, p);
        value = p.map(finite);
      } else {
        value = margin.map((m) => (m === null ? null : finite(transformScalar(transform, m))));
      }
      out[r] = { value, margin };
    }
    return out;
  }
}

/** JSON has no NaN or Infinity: such a result is reported as null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function readBestIteration(spec: ModelSpec): number | undefined {
  const text = spec.attributes['best_iteration'];
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Tree index where each boosting round starts, plus the end: bounds[i]..bounds[i+1] is round i. */
function roundBounds(spec: ModelSpec, k: number): number[] {
  const numTrees = spec.trees.length;
  if (spec.iterationIndptr !== undefined && spec.iterationIndptr.length > 0) {
    const b = Array.from(spec.iterationIndptr);
    if (b[0] !== 0 || b[b.length - 1] !== numTrees || b.some((v, i) => i > 0 && v < (b[i - 1] ?? 0))) {
      throw new ModelFormatError(`iteration_indptr does not cover the ${numTrees} trees in order`);
    }
    return b;
  }
  const perRound = spec.numParallelTree * k;
  const bounds = [0];
  for (let end = perRound; end < numTrees + perRound; end += perRound) bounds.push(Math.min(end, numTrees));
  return bounds;
}

function chooseIterationEnd(requested: number | undefined, best: number | undefined, rounds: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1 || requested > rounds) {
      throw new ModelFormatError(`iterationEnd must be a whole number from 1 to ${rounds} (the model's boosting rounds), got ${requested}`);
    }
    return requested;
  }
  // As the corpus' reference predictions (and XGBoost's scikit-learn wrapper) do: stop at the best round.
  if (best !== undefined && best + 1 <= rounds) return best + 1;
  return rounds;
}

function valueDescription(objective: Objective, k: number): string {
  switch (objective.transform) {
    case 'sigmoid':
      return k > 1 ? 'probability of the positive class, per target' : 'probability of the positive class';
    case 'softmax':
      return 'probability of each class, in class order';
    case 'argmax':
      return 'predicted class index';
    case 'exp':
      return k > 1 ? 'exp(margin), per target' : 'exp(margin)';
    case 'hinge':
      return 'predicted class: 1 when the margin is positive, else 0';
    default:
      return k > 1 ? 'prediction, per target' : 'prediction';
  }
}
