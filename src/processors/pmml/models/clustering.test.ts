// ClusteringModel and the comparison measures it shares with NearestNeighborModel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml.js';
import { compileClusteringModel, compileMeasure, missingAdjustment, type ComparisonField } from './clustering.js';
import { close, rowScope, testEnv, type Fields } from './harness.js';

const field = (compare: ComparisonField['compare'], weight = 1, scale?: number): ComparisonField => ({ field: 'f', weight, compare, scale });

function measure(xml: string, fields: ComparisonField[], x: number[], y: number[], adjustment = 1): number {
  return compileMeasure(parseXml(`<ComparisonMeasure>${xml}</ComparisonMeasure>`), fields).compare(Float64Array.from(x), Float64Array.from([0, ...y]), 1, adjustment);
}

describe('comparison measures', () => {
  const abs = [field('absDiff'), field('absDiff', 2), field('absDiff')];
  const x = [1, 2, 3];
  const y = [4, 0, 3];

  it('computes the distances with field weights', () => {
    close(measure('<euclidean/>', abs, x, y), Math.sqrt(9 + 2 * 4));
    close(measure('<squaredEuclidean/>', abs, x, y), 17);
    close(measure('<cityBlock/>', abs, x, y), 3 + 2 * 2);
    close(measure('<chebychev/>', abs, x, y), 4);
    close(measure('<minkowski p-parameter="3"/>', abs, x, y), Math.cbrt(27 + 2 * 8));
  });

  it('skips missing values and scales the sum by the adjustment', () => {
    const xs = Float64Array.from([1, NaN, 3]);
    const adj = missingAdjustment(xs, undefined);
    close(adj, 1.5);
    close(missingAdjustment(xs, Float64Array.from([1, 2, 1])), 2);
    close(measure('<squaredEuclidean/>', abs, [1, NaN, 3], y, adj), 9 * 1.5);
  });

  it('applies gaussSim, delta and equal compare functions', () => {
    close(measure('<cityBlock/>', [field('gaussSim', 1, 2)], [1], [3]), Math.exp((-Math.log(2) * 4) / 4));
    assert.equal(measure('<cityBlock/>', [field('delta'), field('delta')], [1, 2], [1, 5]), 1);
    assert.equal(measure('<cityBlock/>', [field('equal'), field('equal')], [1, 2], [1, 5]), 1);
  });

  it('computes binary similarities from the match counts', () => {
    const bin = [field('absDiff'), field('absDiff'), field('absDiff'), field('absDiff'), field('absDiff')];
    // a11 = 2, a10 = 1, a01 = 1, a00 = 1
    const x2 = [1, 1, 1, 0, 0];
    const y2 = [1, 1, 0, 1, 0];
    close(measure('<simpleMatching/>', bin, x2, y2), 3 / 5);
    close(measure('<jaccard/>', bin, x2, y2), 2 / 4);
    close(measure('<tanimoto/>', bin, x2, y2), 3 / (2 + 2 * 2 + 1));
    const params = 'c11-parameter="1" c10-parameter="0.5" c01-parameter="0.5" c00-parameter="0" d11-parameter="1" d10-parameter="1" d01-parameter="1" d00-parameter="1"';
    close(measure(`<binarySimilarity ${params}/>`, bin, x2, y2), (2 + 0.5 + 0.5) / 5);
    assert.ok(Number.isNaN(measure('<jaccard/>', bin, [1, 2, 0, 0, 0], y2)));
  });
});

const MODEL = `
<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="3">
  <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
  <ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
  <ClusteringField field="a" compareFunction="absDiff"/>
  <ClusteringField field="b" compareFunction="absDiff" fieldWeight="0.5"/>
  <MissingValueWeights><Array n="2" type="real">1 3</Array></MissingValueWeights>
  <Cluster name="low"><Array n="2" type="real">0 0</Array></Cluster>
  <Cluster id="mid" name="middle"><Array n="2" type="real">5 5</Array></Cluster>
  <Cluster><Array n="2" type="real">10 10</Array></Cluster>
</ClusteringModel>`;

const AB: Fields = { a: { dataType: 'double', optype: 'continuous' }, b: { dataType: 'double', optype: 'continuous' } };

describe('ClusteringModel', () => {
  const model = compileClusteringModel(parseXml(MODEL), testEnv(AB));

  it('predicts the nearest cluster: its id (or 1-based index), name and every distance', () => {
    const r = model.evaluate(rowScope({ a: 4, b: 6 }));
    assert.equal(r.value, 'mid');
    assert.equal(r.entityId, 'mid');
    assert.equal(r.entityName, 'middle');
    assert.deepEqual(Object.fromEntries(r.affinities ?? []), { '1': 16 + 18, mid: 1 + 0.5, '3': 36 + 8 });
    const far = model.evaluate(rowScope({ a: 9, b: 9 }));
    assert.equal(far.value, '3');
    assert.equal(far.entityName, undefined);
  });

  it('scales distances with MissingValueWeights when a value is missing', () => {
    const r = model.evaluate(rowScope({ a: 1 }));
    assert.equal(r.value, '1');
    close(r.affinities?.get('1') as number, 1 * 4);
  });

  it('gives no prediction when every clustering field is missing', () => {
    assert.equal(model.evaluate(rowScope({})).value, null);
  });

  it('rejects distribution-based models and centers of the wrong size', () => {
    assert.throws(() => compileClusteringModel(parseXml(MODEL.replace('centerBased', 'distributionBased')), testEnv(AB)), /distributionBased" is not supported/);
    assert.throws(() => compileClusteringModel(parseXml(MODEL.replace('10 10', '10')), testEnv(AB)), /1 center values for 2 clustering fields/);
  });
});
