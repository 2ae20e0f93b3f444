// AnomalyDetectionModel: the score of each algorithm type from the inner model's result. The inner
// model here is a fixed stand-in handed out by the compile environment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompileEnv, ModelResult } from '../model.js';
import { parseXml } from '../xml.js';
import { averagePathLength, compileAnomalyDetectionModel, isolationScore } from './anomaly-detection.js';
import { rowScope, testEnv } from './harness.js';

const NO_SCOPE = rowScope({});

function envWith(result: ModelResult): CompileEnv {
  return testEnv({}, { expressions: false, model: { functionName: 'regression', targets: [], evaluate: () => result } });
}

const wrap = (attrs: string, inner: string, extra = ''): string =>
  `<AnomalyDetectionModel functionName="regression" ${attrs}><MiningSchema><MiningField name="x"/></MiningSchema>${inner}${extra}</AnomalyDetectionModel>`;

describe('isolation forest normalization', () => {
  it('uses c(n) = 2·H(n − 1) − 2·(n − 1)/n with H(x) ≈ ln(x) + 0.57721566', () => {
    assert.equal(averagePathLength(5), 2 * (Math.log(4) + 0.57721566) - 8 / 5);
    assert.equal(averagePathLength(1), 0);
    assert.equal(isolationScore(averagePathLength(256), 256), 0.5);
  });

  it('scores the mean path length of the inner forest', () => {
    const model = compileAnomalyDetectionModel(parseXml(wrap('algorithmType="iforest" sampleDataSize="5"', '<MiningModel/>')), envWith({ value: 3.5 }));
    // The pmml4s iris example: a mean path length of 3.5 in a forest of 5-point samples.
    assert.ok(Math.abs((model.evaluate(NO_SCOPE).value as number) - 0.3525574921994582) < 1e-15);
  });

  it('needs sampleDataSize', () => {
    assert.throws(() => compileAnomalyDetectionModel(parseXml(wrap('algorithmType="iforest"', '<MiningModel/>')), envWith({ value: 1 })), /sampleDataSize/);
  });
});

describe('other anomaly algorithms', () => {
  it('passes the one-class SVM decision value through', () => {
    const model = compileAnomalyDetectionModel(parseXml(wrap('algorithmType="ocsvm"', '<SupportVectorMachineModel/>')), envWith({ value: -4.7832 }));
    assert.equal(model.evaluate(NO_SCOPE).value, -4.7832);
  });

  it('divides the winning cluster distance by its mean distance', () => {
    const clusters = '<ClusteringModel><Cluster name="a"/><Cluster id="b"/><Cluster/></ClusteringModel>';
    const means = '<MeanClusterDistances><Array n="3" type="real">0.5 0.25 2</Array></MeanClusterDistances>';
    const result: ModelResult = { value: 'b', entityId: 'b', affinities: new Map([['1', 3], ['b', 0.2], ['3', 9]]) };
    const model = compileAnomalyDetectionModel(parseXml(wrap('algorithmType="clusterMeanDist"', clusters, means)), envWith(result));
    assert.equal(model.evaluate(NO_SCOPE).value, 0.8);
    const third = compileAnomalyDetectionModel(parseXml(wrap('algorithmType="clusterMeanDist"', clusters, means)), envWith({ ...result, entityId: '3' }));
    assert.equal(third.evaluate(NO_SCOPE).value, 4.5);
  });

  it('gives no score when the inner model gives none', () => {
    const model = compileAnomalyDetectionModel(parseXml(wrap('algorithmType="ocsvm"', '<SupportVectorMachineModel/>')), envWith({ value: null }));
    assert.equal(model.evaluate(NO_SCOPE).value, null);
  });

  it('rejects an unknown algorithm and a missing inner model', () => {
    assert.throws(() => compileAnomalyDetectionModel(parseXml(wrap('algorithmType="lof"', '<SupportVectorMachineModel/>')), envWith({ value: 1 })), /unknown algorithmType "lof"/);
    assert.throws(() => compileAnomalyDetectionModel(parseXml(wrap('algorithmType="ocsvm"', '')), envWith({ value: 1 })), /exactly one inner model/);
  });
});
