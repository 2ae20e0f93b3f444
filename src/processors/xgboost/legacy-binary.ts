// XGBoost's legacy binary model format (the only format before 1.0, deprecated in 1.x and 2.x):
// little-endian C structs written field by field. Layout, after an optional "binf" magic:
//   LearnerModelParam   136 bytes: base_score f32, num_feature u32, num_class i32,
//                       contain_extra_attrs i32, contain_eval_metrics i32, major u32, minor u32,
//                       num_target u32 (1.6+, else 0), reserved
//   objective, booster  strings (u64 length + bytes)
//   gbtree / dart       GBTreeModelParam 160 bytes (num_trees i32, num_parallel_tree i32, ...),
//                       per tree: TreeParam 148 bytes (num_nodes at 4, size_leaf_vector at 20),
//                       nodes 20 bytes each (parent, left, right i32, sindex u32 with the
//                       default-left bit on top, threshold-or-leaf f32), stats 16 bytes each;
//                       then tree_info i32 × num_trees; dart adds weight_drop (u64 n + f32 × n)
//   gblinear            GBLinearModelParam 136 bytes, weights (u64 n + f32 × n)
//   attributes          when contain_extra_attrs: u64 n pairs of strings (best_iteration, ...)
// Before 1.0 base_score was saved as a margin; XGBoost 1.x turns it back into output space
// (except for multi:*), and so do we.
import { ModelFormatError } from './format-error.js';
import { findObjective, transformScalar } from './objective.js';
import type { ModelSpec, TreeSpec } from './spec.js';

const LEARNER_PARAM_SIZE = 136;
const GBTREE_PARAM_SIZE = 160;
const TREE_PARAM_SIZE = 148;
const NODE_SIZE = 20;
const NODE_STAT_SIZE = 16;
const GBLINEAR_PARAM_SIZE = 136;
/** Names longer than this mean the bytes are not a model. */
const MAX_NAME = 256;

class LittleEndianReader {
  readonly view: DataView;
  pos: number;

  constructor(bytes: Uint8Array, pos: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  /** Claims n bytes and returns where they start. */
  take(n: number): number {
    if (n > this.view.byteLength - this.pos) {
      throw new ModelFormatError(`truncated legacy binary model at byte ${this.pos} (needs ${n} more bytes, the file ends at ${this.view.byteLength})`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }

  u64(): number {
    const at = this.take(8);
    const n = this.view.getBigUint64(at, true);
    if (n > BigInt(this.view.byteLength)) throw new ModelFormatError(`invalid length ${n} at byte ${at} of the legacy binary model`);
    return Number(n);
  }

  string(maxLength: number): string {
    const at = this.pos;
    const n = this.u64();
    if (n > maxLength) throw new ModelFormatError(`invalid string length ${n} at byte ${at} of the legacy binary model`);
    const start = this.take(n);
    return new TextDecoder('utf-8').decode(new Uint8Array(this.view.buffer, this.view.byteOffset + start, n));
  }

  f32s(): Float32Array {
    const n = this.u64();
    const start = this.take(4 * n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat32(start + 4 * i, true);
    return out;
  }
}

/** True when the bytes start like a legacy binary model (checked before a full read). */
export function looksLikeLegacyBinary(bytes: Uint8Array): boolean {
  const start = hasMagic(bytes) ? 4 : 0;
  if (bytes.length < start + LEARNER_PARAM_SIZE + 8) return false;
  const at = start + LEARNER_PARAM_SIZE;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true));
  if (n < 3 || n > MAX_NAME) return false;
  // The objective's name, or as much of it as a truncated file still has.
  const name = new TextDecoder('latin1').decode(bytes.subarray(at + 8, at + 8 + n));
  if (name.length < n) return /^[a-z]+(?::[a-z_]*)?$/.test(name);
  return /^[a-z]+:[a-z_]+$/.test(name);
}

function hasMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x62 && bytes[1] === 0x69 && bytes[2] === 0x6e && bytes[3] === 0x66; // "binf"
}

export function readLegacyBinary(bytes: Uint8Array): ModelSpec {
  const r = new LittleEndianReader(bytes, hasMagic(bytes) ? 4 : 0);
  const p = r.take(LEARNER_PARAM_SIZE);
  const v = r.view;
  const savedBaseScore = v.getFloat32(p, true);
  const numFeature = v.getUint32(p + 4, true);
  const numClass = Math.max(0, v.getInt32(p + 8, true));
  const hasAttributes = v.getInt32(p + 12, true) !== 0;
  const major = v.getUint32(p + 20, true);
  const minor = v.getUint32(p + 24, true);
  const numTarget = Math.max(1, v.getUint32(p + 28, true));
  const objective = r.string(MAX_NAME);
  const boosterName = r.string(MAX_NAME);

  let booster: ModelSpec['booster'];
  let trees: TreeSpec[] = [];
  let treeInfo: ArrayLike<number> = [];
  let numParallelTree = 1;
  let weightDrop: Float32Array | undefined;
  let linearWeights: Float32Array | undefined;
  if (boosterName === 'gbtree' || boosterName === 'dart') {
    const g = r.take(GBTREE_PARAM_SIZE);
    const numTrees = v.getInt32(g, true);
    numParallelTree = Math.max(1, v.getInt32(g + 4, true));
    if (numTrees < 0 || numTrees > bytes.length) throw new ModelFormatError(`invalid number of trees ${numTrees}`);
    trees = Array.from({ length: numTrees }, (_, i) => readTree(r, i));
    const info = r.take(4 * numTrees);
    treeInfo = Int32Array.from({ length: numTrees }, (_, i) => v.getInt32(info + 4 * i, true));
    if (boosterName === 'dart' && numTrees > 0) {
      weightDrop = r.f32s();
      if (weightDrop.length !== numTrees) throw new ModelFormatError(`weight_drop has ${weightDrop.length} entries for ${numTrees} trees`);
    }
    booster = boosterName;
  } else if (boosterName === 'gblinear') {
    r.take(GBLINEAR_PARAM_SIZE);
    linearWeights = r.f32s();
    booster = 'gblinear';
  } else {
    throw new ModelFormatError(`unsupported booster "${boosterName}"`);
  }

  const attributes: Record<string, string> = {};
  if (hasAttributes) {
    const n = r.u64();
    for (let i = 0; i < n; i++) {
      const key = r.string(bytes.length);
      attributes[key] = r.string(bytes.length);
    }
  }

  // Before 1.0 the saved base_score is a margin; 1.x converts it back with the objective's
  // transform (not for multi:*), and its link brings it to the same margin again.
  let baseScore = savedBaseScore;
  const transform = findObjective(objective)?.transform;
  if (major < 1 && transform !== undefined && transform !== 'softmax' && transform !== 'argmax') {
    baseScore = transformScalar(transform, savedBaseScore);
  }

  return {
    format: 'binary',
    version: major < 1 ? '0.x' : `${major}.${minor}`,
    objective,
    booster,
    baseScore: [baseScore],
    numFeature,
    numClass,
    numTarget,
    featureNames: [],
    featureTypes: [],
    categories: [],
    attributes,
    trees,
    treeInfo,
    numParallelTree,
    ...(weightDrop !== undefined ? { weightDrop } : {}),
    ...(linearWeights !== undefined ? { linearWeights } : {}),
  };
}

function readTree(r: LittleEndianReader, index: number): TreeSpec {
  const v = r.view;
  const tp = r.take(TREE_PARAM_SIZE);
  const numNodes = v.getInt32(tp + 4, true);
  const leafSize = v.getInt32(tp + 20, true);
  if (numNodes <= 0 || numNodes * NODE_SIZE > v.byteLength) throw new ModelFormatError(`tree ${index} has an invalid node count ${numNodes}`);
  if (leafSize > 1 || leafSize < 0) throw new ModelFormatError(`tree ${index} has vector leaves (size ${leafSize}), which are not supported`);
  const nodes = r.take(NODE_SIZE * numNodes);
  r.take(NODE_STAT_SIZE * numNodes);
  const left = new Int32Array(numNodes);
  const right = new Int32Array(numNodes);
  const splitIndex = new Uint32Array(numNodes);
  const defaultLeft = new Uint8Array(numNodes);
  const splitCondition = new Float32Array(numNodes);
  for (let n = 0; n < numNodes; n++) {
    const at = nodes + NODE_SIZE * n;
    left[n] = v.getInt32(at + 4, true);
    right[n] = v.getInt32(at + 8, true);
    const sindex = v.getUint32(at + 12, true);
    splitIndex[n] = sindex & 0x7fffffff;
    defaultLeft[n] = sindex >>> 31;
    splitCondition[n] = v.getFloat32(at + 16, true);
  }
  return { left, right, splitIndex, splitCondition, defaultLeft };
}
