// A JSON or UBJ model document (XGBoost 1.0 to 3.x; both formats share one schema) → ModelSpec.
// Differences between versions handled here: base_score is a scalar string in 1.x and a vector
// string ("[2.35E-1,...]") in 3.x; dart keeps its trees under gradient_booster.gbtree and its
// weights beside them in 1.x/2.x, but inside the model itself in 3.x; iteration_indptr and the
// `cats` category container exist only in newer files.
import { readCategories } from './categories.js';
import {
  arrayAt,
  countAt,
  docAt,
  isDoc,
  numbersAt,
  optionalDoc,
  optionalNumbersAt,
  stringAt,
  stringsAt,
} from './doc-access.js';
import { ModelFormatError } from './format-error.js';
import type { ModelSpec, TreeSpec } from './spec.js';

export function readDocument(root: unknown, format: 'json' | 'ubj'): ModelSpec {
  if (!isDoc(root) || !isDoc(root['learner'])) {
    throw new ModelFormatError('not an XGBoost model: the document has no "learner" object');
  }
  const learner = root['learner'];
  const version = readVersion(root['version']);
  const param = docAt(learner, 'learner_model_param', 'learner');
  const mp = 'learner.learner_model_param';
  const numFeature = countAt(param, 'num_feature', mp);
  const numClass = countAt(param, 'num_class', mp, 0);
  const numTarget = Math.max(1, countAt(param, 'num_target', mp, 1));
  const objective = stringAt(docAt(learner, 'objective', 'learner'), 'name', 'learner.objective');
  const baseScore = parseBaseScore(param['base_score']);

  const featureNames = stringsAt(learner, 'feature_names', 'learner');
  const featureTypes = stringsAt(learner, 'feature_types', 'learner');
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(optionalDoc(learner, 'attributes', 'learner') ?? {})) {
    if (typeof v === 'string') attributes[k] = v;
  }

  const gb = docAt(learner, 'gradient_booster', 'learner');
  const name = stringAt(gb, 'name', 'learner.gradient_booster');
  const common = { format, version, objective, baseScore, numFeature, numClass, numTarget, featureNames, featureTypes, attributes };

  if (name === 'gblinear') {
    const model = docAt(gb, 'model', 'learner.gradient_booster');
    return {
      ...common,
      booster: 'gblinear',
      categories: [],
      trees: [],
      treeInfo: [],
      numParallelTree: 1,
      linearWeights: numbersAt(model, 'weights', 'learner.gradient_booster.model'),
    };
  }
  if (name !== 'gbtree' && name !== 'dart') throw new ModelFormatError(`unsupported booster "${name}"`);

  // dart (1.x, 2.x): {"name": "dart", "gbtree": {"name": "gbtree", "model": {...}}, "weight_drop": [...]}
  const treeBooster = name === 'dart' ? docAt(gb, 'gbtree', 'learner.gradient_booster') : gb;
  const path = name === 'dart' ? 'learner.gradient_booster.gbtree.model' : 'learner.gradient_booster.model';
  const model = docAt(treeBooster, 'model', path.slice(0, -'.model'.length));
  const weightDrop = optionalNumbersAt(gb, 'weight_drop', 'learner.gradient_booster') ?? optionalNumbersAt(model, 'weight_drop', path);

  const treesParam = docAt(model, 'gbtree_model_param', path);
  const numTrees = countAt(treesParam, 'num_trees', `${path}.gbtree_model_param`);
  const numParallelTree = Math.max(1, countAt(treesParam, 'num_parallel_tree', `${path}.gbtree_model_param`, 1));
  const jsonTrees = arrayAt(model, 'trees', path);
  if (jsonTrees.length !== numTrees) {
    throw new ModelFormatError(`${path}.trees has ${jsonTrees.length} trees where num_trees says ${numTrees}`);
  }
  const trees = jsonTrees.map((t, i) => readTree(t, `${path}.trees[${i}]`));
  const treeInfo = numbersAt(model, 'tree_info', path);
  if (treeInfo.length !== numTrees) throw new ModelFormatError(`${path}.tree_info has ${treeInfo.length} entries for ${numTrees} trees`);
  if (weightDrop !== undefined && weightDrop.length !== numTrees) {
    throw new ModelFormatError(`weight_drop has ${weightDrop.length} entries for ${numTrees} trees`);
  }
  const cats = optionalDoc(model, 'cats', path);
  const iterationIndptr = optionalNumbersAt(model, 'iteration_indptr', path);
  return {
    ...common,
    booster: weightDrop !== undefined ? 'dart' : 'gbtree',
    categories: cats === undefined ? [] : readCategories(cats, numFeature, `${path}.cats`),
    trees,
    treeInfo,
    numParallelTree,
    ...(iterationIndptr !== undefined ? { iterationIndptr } : {}),
    ...(weightDrop !== undefined ? { weightDrop } : {}),
  };
}

function readTree(t: unknown, path: string): TreeSpec {
  if (!isDoc(t)) throw new ModelFormatError(`${path} is not an object`);
  const tp = docAt(t, 'tree_param', path);
  const numNodes = countAt(tp, 'num_nodes', `${path}.tree_param`);
  const leafSize = countAt(tp, 'size_leaf_vector', `${path}.tree_param`, 0);
  if (leafSize > 1) {
    throw new ModelFormatError(`${path} has vector leaves (multi_strategy "multi_output_tree"), which are not supported`);
  }
  const field = (key: string): ArrayLike<number> => {
    const a = numbersAt(t, key, path);
    if (a.length !== numNodes) throw new ModelFormatError(`${path}.${key} has ${a.length} entries for ${numNodes} nodes`);
    return a;
  };
  const tree: TreeSpec = {
    left: field('left_children'),
    right: field('right_children'),
    splitIndex: field('split_indices'),
    splitCondition: field('split_conditions'),
    defaultLeft: field('default_left'),
  };
  if (t['split_type'] === undefined) return tree;
  const splitType = field('split_type');
  const nodes = numbersAt(t, 'categories_nodes', path);
  if (nodes.length === 0) return { ...tree, splitType };
  return {
    ...tree,
    splitType,
    categories: {
      nodes,
      segments: numbersAt(t, 'categories_segments', path),
      sizes: numbersAt(t, 'categories_sizes', path),
      values: numbersAt(t, 'categories', path),
    },
  };
}

/** "[2.3538704E-1]", "[6.9E-1,2.4E-1]", "5E-1", or a number. */
export function parseBaseScore(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v !== 'string') throw new ModelFormatError('learner.learner_model_param.base_score is missing');
  const text = v.trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const values = inner.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (values.length === 0 || values.some((x) => Number.isNaN(x))) {
    throw new ModelFormatError(`learner.learner_model_param.base_score is not a number or list of numbers: ${JSON.stringify(v)}`);
  }
  return values;
}

function readVersion(v: unknown): string {
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const parts = Array.from(v as ArrayLike<unknown>, (p) => Number(p));
    if (parts.length > 0 && parts.every((p) => Number.isInteger(p))) return parts.join('.');
  }
  return 'unknown';
}
