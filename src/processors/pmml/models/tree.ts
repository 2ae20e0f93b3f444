// TreeModel: nodes compiled to objects holding their predicate closure and a prebuilt result, so
// scoring a row walks the tree without allocating. Missing values follow missingValueStrategy
// (none, nullPrediction, lastPrediction, defaultChild with missingValuePenalty, weightedConfidence,
// aggregateNodes); a node with no true child follows noTrueChildStrategy.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { predicateChild } from '../predicates.js';
import { categoryKey, parseNumber } from '../values.js';
import { childrenNamed, type XmlElement } from '../xml.js';
import { argMax } from './arg-max.js';
import { compileEmbeddedRegression } from './embedded.js';

interface TreeNode {
  readonly id: string;
  readonly test: (scope: Scope) => boolean | undefined;
  readonly children: TreeNode[];
  readonly recordCount: number;
  /** Record count per category (aggregateNodes) and confidence per category (weightedConfidence). */
  readonly counts: ReadonlyMap<string, number>;
  readonly confidences: ReadonlyMap<string, number>;
  readonly result: ModelResult;
  /** PMML 3 model selection: a Regression in the node computes its result. */
  readonly embedded: CompiledModel | undefined;
  defaultChild: TreeNode | undefined;
}

type Strategy = 'none' | 'nullPrediction' | 'lastPrediction' | 'defaultChild' | 'weightedConfidence' | 'aggregateNodes';

const STRATEGIES: readonly Strategy[] = ['none', 'nullPrediction', 'lastPrediction', 'defaultChild', 'weightedConfidence', 'aggregateNodes'];

const NO_RESULT: ModelResult = Object.freeze({ value: null });

function num(el: XmlElement, attr: string): number | undefined {
  const t = el.attrs[attr];
  return t === undefined ? undefined : parseNumber(t);
}

class TreeCompiler {
  readonly #env: CompileEnv;
  readonly #target: string | undefined;
  readonly #classification: boolean;
  /** Category value per key, in first-seen order. */
  readonly categories = new Map<string, Value>();
  #implicitId = 0;

  constructor(env: CompileEnv, target: string | undefined, classification: boolean) {
    this.#env = env;
    this.#target = target;
    this.#classification = classification;
  }

  #parse(text: string): Value {
    return this.#target === undefined ? (parseNumber(text) ?? text) : this.#env.parse(this.#target, text);
  }

  node(el: XmlElement): TreeNode {
    this.#implicitId++;
    const id = el.attrs['id'] ?? String(this.#implicitId);
    const predicate = predicateChild(el);
    if (predicate === undefined) throw new PmmlError(`tree node ${id} has no predicate`);
    const test = this.#env.compilePredicate(predicate);
    if (el.children.some((c) => c.name.endsWith('Model') || c.name === 'DecisionTree')) {
      throw new PmmlError(`tree node ${id} embeds a model other than a Regression, which is not supported`);
    }
    const regression = el.children.find((c) => c.name === 'Regression');
    const embedded = regression === undefined ? undefined : compileEmbeddedRegression(regression, this.#env, this.#target);
    const probabilities = new Map<string, number>();
    const confidences = new Map<string, number>();
    const counts = new Map<string, number>();
    const dists = childrenNamed(el, 'ScoreDistribution');
    let total = 0;
    for (const d of dists) total += num(d, 'recordCount') ?? 0;
    for (const d of dists) {
      const text = d.attrs['value'];
      if (text === undefined) throw new PmmlError(`a ScoreDistribution of tree node ${id} has no value`);
      const v = this.#parse(text);
      if (v === null) continue;
      const key = categoryKey(v);
      if (!this.categories.has(key)) this.categories.set(key, v);
      const count = num(d, 'recordCount') ?? 0;
      const probability = num(d, 'probability') ?? (total > 0 ? count / total : 0);
      counts.set(key, count);
      probabilities.set(key, probability);
      confidences.set(key, num(d, 'confidence') ?? probability);
    }
    const scoreText = el.attrs['score'];
    let value: Value = scoreText === undefined ? null : this.#parse(scoreText);
    if (value === null && this.#classification && probabilities.size > 0) value = this.categories.get(argMax(probabilities) ?? '') ?? null;
    if (value !== null && this.#classification && !this.categories.has(categoryKey(value))) this.categories.set(categoryKey(value), value);
    const result: ModelResult =
      this.#classification && probabilities.size > 0 ? { value, probabilities, confidences, entityId: id } : { value, entityId: id };
    const recordCount = num(el, 'recordCount') ?? total;
    const children = childrenNamed(el, 'Node').map((c) => this.node(c));
    const node: TreeNode = { id, test, children, recordCount, counts, confidences, result, embedded, defaultChild: undefined };
    const defaultId = el.attrs['defaultChild'];
    if (defaultId !== undefined) {
      node.defaultChild = children.find((c) => c.id === defaultId);
      if (node.defaultChild === undefined) throw new PmmlError(`tree node ${id} names defaultChild "${defaultId}", which is not one of its children`);
    }
    return node;
  }
}

/** The result of the node a row ends in; confidences scaled by penalty^levels after `levels` missing values. */
function penalized(node: TreeNode, scope: Scope, penalty: number, levels: number): ModelResult {
  const r = node.embedded === undefined ? node.result : { ...node.embedded.evaluate(scope), entityId: node.id };
  if (levels === 0 || penalty === 1 || r.confidences === undefined) return r;
  const factor = penalty ** levels;
  const confidences = new Map<string, number>();
  for (const [k, c] of r.confidences) confidences.set(k, c * factor);
  return { ...r, confidences };
}

export function compileTreeModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'classification';
  const targets = miningTargets(el);
  const classification = functionName === 'classification';
  const strategyText = el.attrs['missingValueStrategy'] ?? 'none';
  if (!(STRATEGIES as readonly string[]).includes(strategyText)) throw new PmmlError(`TreeModel has unknown missingValueStrategy "${strategyText}"`);
  const strategy = strategyText as Strategy;
  const penalty = num(el, 'missingValuePenalty') ?? 1;
  const noTrueChild = el.attrs['noTrueChildStrategy'] ?? 'returnNullPrediction';
  if (noTrueChild !== 'returnNullPrediction' && noTrueChild !== 'returnLastPrediction') throw new PmmlError(`TreeModel has unknown noTrueChildStrategy "${noTrueChild}"`);
  const lastOnNoTrueChild = noTrueChild === 'returnLastPrediction';
  const rootEl = childrenNamed(el, 'Node')[0];
  if (rootEl === undefined) throw new PmmlError('TreeModel has no Node');
  const compiler = new TreeCompiler(env, targets[0], classification);
  const root = compiler.node(rootEl);
  const categories = compiler.categories;

  /** weightedConfidence and aggregateNodes: every path a missing value leaves open, combined. */
  const combine = (node: TreeNode, scope: Scope): Map<string, number> | number | undefined => {
    if (node.children.length === 0) {
      if (!classification) return typeof node.result.value === 'number' ? node.result.value : undefined;
      return new Map(strategy === 'aggregateNodes' ? node.counts : node.confidences);
    }
    const open: TreeNode[] = [];
    for (const c of node.children) {
      const s = c.test(scope);
      if (s === false) continue;
      open.push(c);
      if (s === true) break;
    }
    if (open.length === 0) return lastOnNoTrueChild ? combine({ ...node, children: [] }, scope) : undefined;
    const weightTotal = open.reduce((n, c) => n + c.recordCount, 0);
    let sum: Map<string, number> | number | undefined;
    for (const c of open) {
      const part = combine(c, scope);
      if (part === undefined) continue;
      const w = strategy === 'aggregateNodes' || weightTotal === 0 ? 1 : c.recordCount / weightTotal;
      if (typeof part === 'number') sum = (typeof sum === 'number' ? sum : 0) + w * part;
      else {
        const m = sum instanceof Map ? sum : new Map<string, number>();
        for (const [k, v] of part) m.set(k, (m.get(k) ?? 0) + w * v);
        sum = m;
      }
    }
    return sum;
  };

  const combined = (node: TreeNode, scope: Scope): ModelResult => {
    const sum = combine(node, scope);
    if (sum === undefined) return NO_RESULT;
    if (typeof sum === 'number') return { value: sum, entityId: node.id };
    let measure = sum;
    if (strategy === 'aggregateNodes') {
      let total = 0;
      for (const v of sum.values()) total += v;
      measure = new Map([...sum].map(([k, v]) => [k, total > 0 ? v / total : 0]));
    }
    const best = argMax(measure);
    return { value: best === undefined ? null : (categories.get(best) ?? null), probabilities: measure, confidences: measure, entityId: node.id };
  };

  const evaluate = (scope: Scope): ModelResult => {
    const rootStatus = root.test(scope);
    if (rootStatus !== true) return NO_RESULT;
    let node = root;
    let missingLevels = 0;
    descend: while (node.children.length > 0) {
      for (const child of node.children) {
        const status = child.test(scope);
        if (status === true) {
          node = child;
          continue descend;
        }
        if (status === false) continue;
        switch (strategy) {
          case 'none':
            continue;
          case 'nullPrediction':
            return NO_RESULT;
          case 'lastPrediction':
            return penalized(node, scope, penalty, 1 + missingLevels);
          case 'defaultChild':
            if (node.defaultChild === undefined) return penalized(node, scope, penalty, 1 + missingLevels);
            node = node.defaultChild;
            missingLevels++;
            continue descend;
          default:
            return combined(node, scope);
        }
      }
      return lastOnNoTrueChild ? penalized(node, scope, penalty, missingLevels) : NO_RESULT;
    }
    return penalized(node, scope, penalty, missingLevels);
  };

  return { functionName, targets, evaluate };
}
