// AnomalyDetectionModel (PMML 4.4): an inner model whose prediction becomes an anomaly score.
//   iforest          the inner MiningModel averages path lengths h; score = 2^(−h / c(n)), with
//                    c(n) = 2·H(n − 1) − 2·(n − 1)/n, H(x) ≈ ln(x) + 0.57721566, n = sampleDataSize
//   ocsvm            the one-class SVM's decision value, as it is
//   clusterMeanDist  the distance to the winning cluster over that cluster's mean distance
//   other            the inner model's prediction, as it is
// Whether a score is an anomaly is left to the model's OutputFields (a decision Apply).
import type { CompileEnv, CompiledModel, ModelResult, Scope } from '../model.js';
import { PmmlError } from '../fields.js';
import { MODEL_ELEMENTS } from '../model-elements.js';
import { parseArray } from '../predicates.js';
import { parseNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

const NO_RESULT: ModelResult = Object.freeze({ value: null });

/** The average path length of an unsuccessful search in a binary search tree of n points (isolation forest). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  return 2 * (Math.log(n - 1) + 0.57721566) - (2 * (n - 1)) / n;
}

/** The isolation forest anomaly score of a mean path length, for a forest trained on samples of n points. */
export function isolationScore(pathLength: number, n: number): number {
  return Math.pow(2, -(pathLength / averagePathLength(n)));
}

function inner(el: XmlElement): XmlElement {
  const models = el.children.filter((c) => MODEL_ELEMENTS.has(c.name));
  if (models.length !== 1) throw new PmmlError(`AnomalyDetectionModel needs exactly one inner model element, it has ${models.length}`);
  return models[0] as XmlElement;
}

function clusterMeanDist(el: XmlElement, innerEl: XmlElement, model: CompiledModel): (scope: Scope) => ModelResult {
  if (innerEl.name !== 'ClusteringModel') throw new PmmlError('algorithmType clusterMeanDist needs a ClusteringModel');
  const arrayEl = child(child(el, 'MeanClusterDistances') ?? el, 'Array');
  if (arrayEl === undefined) throw new PmmlError('algorithmType clusterMeanDist needs MeanClusterDistances');
  const means = parseArray(arrayEl).map((t) => parseNumber(t) ?? NaN);
  const clusters = childrenNamed(innerEl, 'Cluster');
  if (means.length !== clusters.length || means.some((m) => Number.isNaN(m))) {
    throw new PmmlError(`MeanClusterDistances must hold ${clusters.length} numbers, one per cluster`);
  }
  const meanOf = new Map<string, number>();
  clusters.forEach((c, i) => meanOf.set(c.attrs['id'] ?? String(i + 1), means[i] as number));
  return (scope) => {
    const r = model.evaluate(scope);
    const id = r.entityId;
    const distance = id === undefined ? undefined : r.affinities?.get(id);
    const mean = id === undefined ? undefined : meanOf.get(id);
    if (distance === undefined || mean === undefined) return NO_RESULT;
    return { value: distance / mean, entityId: id };
  };
}

export function compileAnomalyDetectionModel(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const algorithm = el.attrs['algorithmType'];
  const innerEl = inner(el);
  const model = env.compileModel(innerEl);
  const numeric = (r: ModelResult): number | undefined => (typeof r.value === 'number' ? r.value : undefined);
  switch (algorithm) {
    case 'iforest': {
      const n = parseNumber(el.attrs['sampleDataSize'] ?? '');
      if (n === undefined || n < 2) throw new PmmlError('algorithmType iforest needs a sampleDataSize of at least 2');
      return {
        functionName,
        targets: [],
        evaluate: (scope) => {
          const h = numeric(model.evaluate(scope));
          return h === undefined ? NO_RESULT : { value: isolationScore(h, n) };
        },
      };
    }
    case 'ocsvm':
    case 'other':
      return {
        functionName,
        targets: [],
        evaluate: (scope) => {
          const v = numeric(model.evaluate(scope));
          return v === undefined ? NO_RESULT : { value: v };
        },
      };
    case 'clusterMeanDist':
      return { functionName, targets: [], evaluate: clusterMeanDist(el, innerEl, model) };
    default:
      throw new PmmlError(`AnomalyDetectionModel has unknown algorithmType "${algorithm ?? ''}"`);
  }
}
