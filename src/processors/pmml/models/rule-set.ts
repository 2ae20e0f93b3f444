// RuleSetModel: SimpleRules (nested in CompoundRules, whose predicate guards them) are tested in
// document order; the first RuleSelectionMethod decides among the rules that fire:
//   firstHit     the first rule that fires; confidence per score of its first rule.
//   weightedSum  the score with the largest sum of weights; confidence = that sum / rules fired.
//   weightedMax  the rule with the largest weight (the first on ties); confidence of its rule.
// No rule firing gives defaultScore with defaultConfidence. Rule ids are the id attribute or the
// 1-based position among all SimpleRules.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { numberAttr, PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { predicateChild } from '../predicates.js';
import { categoryKey, parseNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

export type Criterion = 'firstHit' | 'weightedSum' | 'weightedMax';

export interface Rule {
  readonly id: string;
  readonly key: string;
  readonly score: Value;
  readonly weight: number;
  readonly confidence: number;
  readonly probabilities: ReadonlyMap<string, number> | undefined;
}

/** A rule node: its predicate, and either a SimpleRule or the rules a CompoundRule guards. */
interface RuleNode {
  readonly test: (scope: Scope) => boolean | undefined;
  readonly rule: Rule | undefined;
  readonly children: readonly RuleNode[];
}

const NO_RESULT: ModelResult = Object.freeze({ value: null });

/** The winning rule among the rules that fired (in document order), and the confidence per score. */
export function selectRules(fired: readonly Rule[], criterion: Criterion): { winner: Rule; confidences: Map<string, number> } | undefined {
  const first = fired[0];
  if (first === undefined) return undefined;
  const confidences = new Map<string, number>();
  switch (criterion) {
    case 'firstHit':
      for (const r of fired) if (!confidences.has(r.key)) confidences.set(r.key, r.confidence);
      return { winner: first, confidences };
    case 'weightedMax': {
      let winner = first;
      const best = new Map<string, Rule>();
      for (const r of fired) {
        if (r.weight > winner.weight) winner = r;
        const b = best.get(r.key);
        if (b === undefined || r.weight > b.weight) best.set(r.key, r);
      }
      for (const [key, r] of best) confidences.set(key, r.confidence);
      return { winner, confidences };
    }
    case 'weightedSum': {
      const sums = new Map<string, number>();
      const best = new Map<string, Rule>();
      for (const r of fired) {
        sums.set(r.key, (sums.get(r.key) ?? 0) + r.weight);
        const b = best.get(r.key);
        if (b === undefined || r.weight > b.weight) best.set(r.key, r);
      }
      let winnerKey = first.key;
      for (const [key, s] of sums) {
        confidences.set(key, s / fired.length);
        if (s > (sums.get(winnerKey) as number)) winnerKey = key;
      }
      return { winner: best.get(winnerKey) as Rule, confidences };
    }
  }
}

export function compileRuleSetModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'classification';
  const targets = miningTargets(el);
  const target = targets[0];
  const ruleSet = child(el, 'RuleSet');
  if (ruleSet === undefined) throw new PmmlError('RuleSetModel has no RuleSet');
  const methodEl = childrenNamed(ruleSet, 'RuleSelectionMethod')[0];
  if (methodEl === undefined) throw new PmmlError('RuleSet has no RuleSelectionMethod');
  const criterion = methodEl.attrs['criterion'];
  if (criterion !== 'firstHit' && criterion !== 'weightedSum' && criterion !== 'weightedMax') {
    throw new PmmlError(`RuleSelectionMethod has unknown criterion "${criterion ?? ''}"`);
  }
  const parse = (text: string): Value => (target === undefined ? (parseNumber(text) ?? text) : env.parse(target, text));

  let position = 0;
  const compileRule = (r: XmlElement): RuleNode => {
    const predicate = predicateChild(r);
    if (predicate === undefined) throw new PmmlError(`a ${r.name} has no predicate`);
    const test = env.compilePredicate(predicate);
    if (r.name === 'CompoundRule') return { test, rule: undefined, children: rules(r) };
    position++;
    const id = r.attrs['id'] ?? String(position);
    const scoreText = r.attrs['score'];
    if (scoreText === undefined) throw new PmmlError(`SimpleRule ${id} has no score`);
    const score = parse(scoreText);
    if (score === null) throw new PmmlError(`SimpleRule ${id} has an empty score`);
    const confidence = numberAttr(r, 'confidence', 1);
    const dists = childrenNamed(r, 'ScoreDistribution');
    let probabilities: Map<string, number> | undefined;
    if (dists.length > 0) {
      const total = dists.reduce((n, d) => n + numberAttr(d, 'recordCount', 0), 0);
      probabilities = new Map();
      for (const d of dists) {
        const v = parse(d.attrs['value'] ?? '');
        if (v === null) continue;
        probabilities.set(categoryKey(v), numberAttr(d, 'probability', total > 0 ? numberAttr(d, 'recordCount', 0) / total : 0));
      }
    }
    const rule: Rule = { id, key: categoryKey(score), score, weight: numberAttr(r, 'weight', 1), confidence, probabilities };
    return { test, rule, children: [] };
  };
  const rules = (parent: XmlElement): RuleNode[] => parent.children.filter((c) => c.name === 'SimpleRule' || c.name === 'CompoundRule').map(compileRule);
  const roots = rules(ruleSet);

  const defaultText = ruleSet.attrs['defaultScore'];
  const defaultScore = defaultText === undefined ? null : parse(defaultText);
  const defaultConfidence = numberAttr(ruleSet, 'defaultConfidence', 0);
  const noRule: ModelResult =
    defaultScore === null ? NO_RESULT : { value: defaultScore, confidences: new Map([[categoryKey(defaultScore), defaultConfidence]]) };

  const collect = (nodes: readonly RuleNode[], scope: Scope, fired: Rule[]): void => {
    for (const n of nodes) {
      if (n.test(scope) !== true) continue;
      if (n.rule !== undefined) fired.push(n.rule);
      else collect(n.children, scope, fired);
    }
  };

  const evaluate = (scope: Scope): ModelResult => {
    const fired: Rule[] = [];
    collect(roots, scope, fired);
    const chosen = selectRules(fired, criterion);
    if (chosen === undefined) return noRule;
    const { winner, confidences } = chosen;
    const r: ModelResult = { value: winner.score, confidences, entityId: winner.id };
    return winner.probabilities === undefined ? r : { ...r, probabilities: winner.probabilities };
  };
  return { functionName, targets, evaluate };
}
