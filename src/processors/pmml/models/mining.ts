// MiningModel: a Segmentation of models, each behind a predicate, combined by multipleModelMethod.
// Segments are compiled by the framework (their own MiningSchema, LocalTransformations, Targets,
// Output); in a modelChain the OutputFields of each segment become fields of the later ones.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { MODEL_ELEMENTS } from '../model-elements.js';
import { predicateChild } from '../predicates.js';
import { parseNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';
import { asModelElement, compileEmbeddedRegression } from './embedded.js';
import { classificationCombiner, regressionCombiner, VoteTally, type Weighted } from './ensemble.js';
import { compileTreeModel } from './tree.js';

interface Segment {
  readonly id: string;
  /** Undefined for <True/>: no call per row. */
  readonly test: ((scope: Scope) => boolean | undefined) | undefined;
  readonly weight: number;
  /** VariableWeight: the field (an OutputField of the segment's model, or any field) giving the weight per row. */
  readonly weightField: string | undefined;
  readonly model: CompiledModel;
  /** modelChain: setters of the fields that carry this segment's outputs to the later segments. */
  readonly chain: readonly { name: string; set: (scope: Scope, v: Value) => void }[];
}

const METHODS = new Set([
  'majorityVote',
  'weightedMajorityVote',
  'average',
  'weightedAverage',
  'median',
  'weightedMedian',
  'max',
  'min',
  'sum',
  'weightedSum',
  'selectFirst',
  'selectAll',
  'modelChain',
]);

const NO_RESULT: ModelResult = Object.freeze({ value: null });

function compileSegments(segmentation: XmlElement, env: CompileEnv, chain: boolean): Segment[] {
  return childrenNamed(segmentation, 'Segment').map((s, i) => {
    const id = s.attrs['id'] ?? String(i + 1);
    const predicate = predicateChild(s);
    if (predicate === undefined) throw new PmmlError(`segment ${id} has no predicate`);
    const modelEl = s.children.find((c) => MODEL_ELEMENTS.has(c.name));
    if (modelEl === undefined) throw new PmmlError(`segment ${id} holds no model`);
    const weightText = s.attrs['weight'];
    const weight = weightText === undefined ? 1 : parseNumber(weightText);
    if (weight === undefined) throw new PmmlError(`segment ${id} has a non-numeric weight "${weightText}"`);
    const test = predicate.name === 'True' ? undefined : env.compilePredicate(predicate);
    const model = env.compileModel(modelEl);
    const outputs = chain ? (model.outputFields ?? []) : [];
    const weightField = child(s, 'VariableWeight')?.attrs['field'];
    return { id, test, weight, weightField, model, chain: outputs.map((f) => ({ name: f.name, set: env.defineField(f.name, f) })) };
  });
}

/** PMML 3: a MiningModel holding embedded Regression / DecisionTree elements run in order. */
function compileSequence(el: XmlElement, env: CompileEnv, functionName: string, targets: string[]): CompiledModel {
  const steps = el.children
    .filter((c) => c.name === 'Regression' || c.name === 'DecisionTree')
    .map((c) => {
      const model = c.name === 'Regression' ? compileEmbeddedRegression(c, env, targets[0]) : compileTreeModel(asModelElement(c, 'TreeModel', targets[0]), env);
      const results = childrenNamed(c, 'ResultField').map((f) => ({
        feature: f.attrs['feature'] ?? 'predictedValue',
        set: env.defineField(f.attrs['name'] ?? '', { dataType: f.attrs['dataType'] ?? 'double', optype: f.attrs['optype'] ?? 'continuous' }),
      }));
      return { model, results };
    });
  if (steps.length === 0) throw new PmmlError('MiningModel has neither a Segmentation nor embedded models');
  return {
    functionName,
    targets,
    evaluate: (scope) => {
      let last: ModelResult = NO_RESULT;
      for (const step of steps) {
        last = step.model.evaluate(scope);
        for (const r of step.results) r.set(scope, r.feature === 'predictedValue' ? last.value : null);
      }
      return last;
    },
  };
}

function variableWeight(r: ModelResult, scope: Scope, field: string): number {
  const v = r.outputs?.get(field) ?? scope.get(field);
  return typeof v === 'number' ? v : typeof v === 'string' ? (parseNumber(v) ?? 0) : 0;
}

export function compileMiningModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const targets = miningTargets(el);
  const segmentation = child(el, 'Segmentation');
  if (segmentation === undefined) return compileSequence(el, env, functionName, targets);
  const method = segmentation.attrs['multipleModelMethod'] ?? '';
  if (!METHODS.has(method)) throw new PmmlError(`MiningModel has unknown multipleModelMethod "${method}"`);
  const segments = compileSegments(segmentation, env, method === 'modelChain');
  if (segments.length === 0) throw new PmmlError('MiningModel has no segments');

  const selected = (scope: Scope, s: Segment): boolean => s.test === undefined || s.test(scope) === true;

  if (method === 'selectFirst') {
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        for (const s of segments) if (selected(scope, s)) return s.model.evaluate(scope);
        return NO_RESULT;
      },
    };
  }
  if (method === 'modelChain') {
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        let last: ModelResult = NO_RESULT;
        for (const s of segments) {
          if (!selected(scope, s)) continue;
          last = s.model.evaluate(scope);
          for (const c of s.chain) c.set(scope, last.outputs?.get(c.name) ?? null);
        }
        return last;
      },
    };
  }
  if (method === 'selectAll') {
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        const all = segments.filter((s) => selected(scope, s)).map((s) => s.model.evaluate(scope));
        return { ...(all[0] ?? NO_RESULT), extras: { segmentResults: all } };
      },
    };
  }
  if (functionName !== 'regression' && (method === 'majorityVote' || method === 'weightedMajorityVote')) {
    const tally = new VoteTally();
    const weighted = method === 'weightedMajorityVote';
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        tally.reset();
        let total = 0;
        for (const s of segments) {
          if (!selected(scope, s)) continue;
          const r = s.model.evaluate(scope);
          if (r.value === null) continue;
          tally.add(r.value, !weighted ? 1 : s.weightField === undefined ? s.weight : variableWeight(r, scope, s.weightField));
          total += weighted ? s.weight : 1;
        }
        const r = tally.result(total);
        // A clustering ensemble names the winning cluster as its entity.
        return functionName === 'clustering' && r.value !== null ? { ...r, entityId: String(r.value) } : r;
      },
    };
  }
  if (functionName === 'regression') {
    const combine = regressionCombiner(method);
    const xs = new Float64Array(segments.length);
    const ws = new Float64Array(segments.length);
    return {
      functionName,
      targets,
      evaluate: (scope) => {
        let n = 0;
        for (const s of segments) {
          if (!selected(scope, s)) continue;
          const r = s.model.evaluate(scope);
          // A segment without a prediction leaves the ensemble without one.
          if (typeof r.value !== 'number') return NO_RESULT;
          xs[n] = r.value;
          ws[n] = s.weightField === undefined ? s.weight : variableWeight(r, scope, s.weightField);
          n++;
        }
        return n === 0 ? NO_RESULT : { value: combine(xs, ws, n) };
      },
    };
  }
  const combine = classificationCombiner(method);
  return {
    functionName,
    targets,
    evaluate: (scope) => {
      const results: Weighted[] = [];
      for (const s of segments) {
        if (!selected(scope, s)) continue;
        const r = s.model.evaluate(scope);
        results.push({ r, w: s.weightField === undefined ? s.weight : variableWeight(r, scope, s.weightField), declared: s.weight });
      }
      return combine(results);
    },
  };
}
