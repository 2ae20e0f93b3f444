// One "Tree=N" block of a LightGBM text model: key=value lines of space-separated arrays.
// Everything the walk relies on is checked here (array lengths, child links forming a tree,
// feature and bitset indexes in range) so the walk itself never has to.
import { FormatError } from './format-error.js';
import { parseDecimal, parseInteger } from './numbers.js';

/** Linear models on the leaves (linear_tree=true): output = const + Σ coeff·x unless an x is NaN. */
export interface LinearLeaves {
  readonly leafConst: Float64Array;
  /** Leaf i's terms are features/coeffs[featureStart[i] .. featureStart[i + 1]). */
  readonly featureStart: Int32Array;
  readonly features: Int32Array;
  readonly coeffs: Float64Array;
}

/** A tree as the file holds it: node arrays of length numLeaves - 1, leaf arrays of numLeaves.
 * A child < 0 is leaf ~child. */
export interface TreeSpec {
  readonly numLeaves: number;
  readonly numCat: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  readonly decisionType: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  readonly leafValue: Float64Array;
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  readonly linear: LinearLeaves | undefined;
}

/** decision_type bits (LightGBM tree.h): categorical, default-left, and a 2-bit missing type. */
export const CATEGORICAL_MASK = 1;
export const DEFAULT_LEFT_MASK = 2;
export const MISSING_NONE = 0;
export const MISSING_ZERO = 1;
export const MISSING_NAN = 2;

class BlockReader {
  readonly #label: string;
  readonly #fields: ReadonlyMap<string, string>;
  readonly #numLeaves: number;

  constructor(label: string, fields: ReadonlyMap<string, string>, numLeaves: number) {
    this.#label = label;
    this.#fields = fields;
    this.#numLeaves = numLeaves;
  }

  fail(problem: string): never {
    throw new FormatError(`${this.#label}: ${problem}`);
  }

  has(name: string): boolean {
    return this.#fields.has(name);
  }

  /** The field's values; `countedBy` says where the expected count comes from. */
  tokens(name: string, count: number, countedBy = `num_leaves=${this.#numLeaves}`): string[] {
    const value = this.#fields.get(name);
    if (value === undefined) throw new FormatError(`${this.#label} has no ${name}`);
    const parts = value.split(/\s+/).filter((t) => t !== '');
    if (parts.length !== count) this.fail(`${countedBy} but ${name} has ${parts.length} values (expected ${count})`);
    return parts;
  }

  doubles(name: string, count: number, countedBy?: string): Float64Array {
    const out = new Float64Array(count);
    this.tokens(name, count, countedBy).forEach((t, i) => {
      const v = parseDecimal(t);
      if (v === undefined) this.fail(`${name} value "${t}" is not a number`);
      out[i] = v;
    });
    return out;
  }

  integers(name: string, count: number, min: number, max: number, countedBy?: string): number[] {
    return this.tokens(name, count, countedBy).map((t) => {
      const v = parseInteger(t);
      if (v === undefined || v < min || v > max) this.fail(`${name} value "${t}" is not an integer from ${min} to ${max}`);
      return v;
    });
  }
}

function scalar(label: string, fields: ReadonlyMap<string, string>, name: string): number {
  const text = fields.get(name);
  if (text === undefined) throw new FormatError(`${label} has no ${name}`);
  const v = parseInteger(text);
  if (v === undefined || v < 0) throw new FormatError(`${label}: ${name}=${text} is not a non-negative integer`);
  return v;
}

/** Parses and checks one tree block; numFeatures bounds split_feature and leaf_features. */
export function parseTreeBlock(label: string, fields: ReadonlyMap<string, string>, numFeatures: number): TreeSpec {
  const numLeaves = scalar(label, fields, 'num_leaves');
  if (numLeaves < 1) throw new FormatError(`${label}: num_leaves=0`);
  const numCat = scalar(label, fields, 'num_cat');
  const r = new BlockReader(label, fields, numLeaves);
  const leafValue = r.doubles('leaf_value', numLeaves);
  const isLinear = fields.has('is_linear') && r.integers('is_linear', 1, 0, 1, 'a flag')[0] === 1;
  const nodes = numLeaves - 1;

  const spec: TreeSpec = {
    numLeaves,
    numCat,
    splitFeature: Int32Array.from(nodes > 0 ? r.integers('split_feature', nodes, 0, numFeatures - 1) : []),
    threshold: nodes > 0 ? r.doubles('threshold', nodes) : new Float64Array(0),
    decisionType: Uint8Array.from(nodes > 0 && r.has('decision_type') ? r.integers('decision_type', nodes, 0, 15) : new Array<number>(nodes).fill(0)),
    leftChild: Int32Array.from(nodes > 0 ? r.integers('left_child', nodes, -numLeaves, nodes - 1) : []),
    rightChild: Int32Array.from(nodes > 0 ? r.integers('right_child', nodes, -numLeaves, nodes - 1) : []),
    leafValue,
    catBoundaries: new Int32Array(0),
    catThreshold: new Uint32Array(0),
    linear: isLinear ? readLinear(r, numLeaves, numFeatures) : undefined,
  };
  for (let i = 0; i < nodes; i++) {
    if ((spec.decisionType[i]! >> 2) === 3) r.fail(`decision_type ${spec.decisionType[i]} of node ${i} has an unknown missing type`);
  }
  if (numCat > 0 && nodes > 0) return withCategories(r, spec);
  checkShape(r, spec);
  return spec;
}

function readLinear(r: BlockReader, numLeaves: number, numFeatures: number): LinearLeaves {
  const counts = r.integers('num_features', numLeaves, 0, numFeatures);
  const featureStart = new Int32Array(numLeaves + 1);
  counts.forEach((c, i) => (featureStart[i + 1] = featureStart[i]! + c));
  const total = featureStart[numLeaves]!;
  return {
    leafConst: r.doubles('leaf_const', numLeaves),
    featureStart,
    features: Int32Array.from(total > 0 ? r.integers('leaf_features', total, 0, numFeatures - 1, `num_features sums to ${total}`) : []),
    coeffs: total > 0 ? r.doubles('leaf_coeff', total, `num_features sums to ${total}`) : new Float64Array(0),
  };
}

function withCategories(r: BlockReader, spec: TreeSpec): TreeSpec {
  const boundaries = r.integers('cat_boundaries', spec.numCat + 1, 0, 2 ** 31 - 1, `num_cat=${spec.numCat}`);
  if (boundaries[0] !== 0 || boundaries.some((b, i) => i > 0 && b < boundaries[i - 1]!)) {
    r.fail(`cat_boundaries must start at 0 and not decrease`);
  }
  const words = boundaries[spec.numCat]!;
  const catThreshold = Uint32Array.from(r.integers('cat_threshold', words, 0, 2 ** 32 - 1, `cat_boundaries ends at ${words}`));
  const full: TreeSpec = { ...spec, catBoundaries: Int32Array.from(boundaries), catThreshold };
  for (let i = 0; i < spec.splitFeature.length; i++) {
    if ((spec.decisionType[i]! & CATEGORICAL_MASK) === 0) continue;
    const t = spec.threshold[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= spec.numCat) {
      r.fail(`categorical node ${i} names bitset ${t} but the tree has num_cat=${spec.numCat}`);
    }
  }
  checkShape(r, full);
  return full;
}

/** Every node and leaf is reached exactly once from the root, so a walk always ends at a leaf. */
function checkShape(r: BlockReader, spec: TreeSpec): void {
  const nodes = spec.numLeaves - 1;
  if (nodes === 0) return;
  const seenNode = new Uint8Array(nodes);
  const seenLeaf = new Uint8Array(spec.numLeaves);
  const stack = [0];
  seenNode[0] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const child of [spec.leftChild[n]!, spec.rightChild[n]!]) {
      if (child < 0) {
        if (seenLeaf[~child] === 1) r.fail(`leaf ${~child} is reached twice`);
        seenLeaf[~child] = 1;
      } else {
        if (seenNode[child] === 1) r.fail(`node ${child} is reached twice (child links do not form a tree)`);
        seenNode[child] = 1;
        stack.push(child);
      }
    }
  }
  const lostNode = seenNode.indexOf(0);
  if (lostNode >= 0) r.fail(`node ${lostNode} cannot be reached from the root`);
  const lostLeaf = seenLeaf.indexOf(0);
  if (lostLeaf >= 0) r.fail(`leaf ${lostLeaf} cannot be reached from the root`);
}
