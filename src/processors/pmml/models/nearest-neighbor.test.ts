// NearestNeighborModel: neighbors, scoring methods, vote ties, and training instances transformed
// with the model's LocalTransformations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml.js';
import { compileNearestNeighborModel } from './nearest-neighbor.js';
import { close, rowScope, testEnv, type Fields } from './harness.js';

function model(attrs: string, rows: [number, number, string, number][], extra = ''): string {
  return `
<NearestNeighborModel functionName="mixed" numberOfNeighbors="3" instanceIdVariable="id" ${attrs}>
  <MiningSchema><MiningField name="x"/><MiningField name="label" usageType="target"/><MiningField name="y" usageType="target"/></MiningSchema>
  ${extra}
  <TrainingInstances isTransformed="false">
    <InstanceFields><InstanceField field="id" column="id"/><InstanceField field="x" column="x"/><InstanceField field="label" column="l"/><InstanceField field="y" column="y"/></InstanceFields>
    <InlineTable>${rows.map(([id, x, l, y]) => `<row><id>${id}</id><x>${x}</x><l>${l}</l><y>${y}</y></row>`).join('')}</InlineTable>
  </TrainingInstances>
  <ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
  <KNNInputs><KNNInput field="x"/></KNNInputs>
</NearestNeighborModel>`;
}

const FIELDS: Fields = {
  x: { dataType: 'double', optype: 'continuous' },
  label: { dataType: 'string', optype: 'categorical' },
  y: { dataType: 'double', optype: 'continuous' },
};

const ROWS: [number, number, string, number][] = [
  [10, 0, 'a', 1],
  [20, 1, 'b', 2],
  [30, 3, 'b', 4],
  [40, 7, 'a', 8],
  [50, 8, 'a', 16],
];

describe('NearestNeighborModel', () => {
  it('predicts every target from the k nearest instances', () => {
    const m = compileNearestNeighborModel(parseXml(model('', ROWS)), testEnv(FIELDS));
    const r = m.evaluate(rowScope({ x: 1.2 }));
    assert.equal(r.value, 'b');
    assert.deepEqual(Object.fromEntries(r.targetValues ?? []), { label: 'b', y: (2 + 1 + 4) / 3 });
    assert.equal(r.entityId, '20');
    assert.deepEqual([...(r.affinities?.keys() ?? [])], ['20', '10', '30']);
    close(r.affinities?.get('10') as number, 1.44);
    assert.equal(r.extras, undefined);
  });

  it('ranks every instance when the Output asks for neighbors past the first', () => {
    const output = '<Output><OutputField name="second" feature="entityId" rank="2"/></Output>';
    const r = compileNearestNeighborModel(parseXml(model('', ROWS, output)), testEnv(FIELDS)).evaluate(rowScope({ x: 7.6 }));
    assert.deepEqual(r.extras?.['entityRanking'], ['50', '40', '30', '20', '10']);
    assert.deepEqual((r.extras?.['affinityRanking'] as number[]).map((d) => Math.round(d * 100) / 100), [0.16, 0.36, 21.16, 43.56, 57.76]);
  });

  it('computes median and weighted averages with 1 / (distance + threshold)', () => {
    const median = compileNearestNeighborModel(parseXml(model('continuousScoringMethod="median"', ROWS)), testEnv(FIELDS));
    assert.equal(median.evaluate(rowScope({ x: 7.4 })).targetValues?.get('y'), 8);
    const weighted = compileNearestNeighborModel(parseXml(model('continuousScoringMethod="weightedAverage" threshold="0.5"', ROWS)), testEnv(FIELDS));
    const d = [0.16, 0.36, 19.36];
    const w = d.map((x) => 1 / (x + 0.5));
    close(weighted.evaluate(rowScope({ x: 7.4 })).targetValues?.get('y') as number, (8 * (w[0] as number) + 16 * (w[1] as number) + 4 * (w[2] as number)) / w.reduce((a, b) => a + b, 0));
  });

  it('breaks vote ties by the training count, then by the smallest value', () => {
    const rows: [number, number, string, number][] = [
      [1, 0, 'c', 0],
      [2, 1, 'b', 0],
      [3, 5, 'b', 0],
      [4, 9, 'c', 0],
      [5, 9, 'c', 0],
    ];
    const m = compileNearestNeighborModel(parseXml(model('numberOfNeighbors="2"', rows).replace('numberOfNeighbors="3" ', '')), testEnv(FIELDS));
    // Neighbors 1 (c) and 2 (b) tie; c has more training cases.
    assert.equal(m.evaluate(rowScope({ x: 0.4 })).value, 'c');
    const even: [number, number, string, number][] = rows.slice(0, 4);
    const m2 = compileNearestNeighborModel(parseXml(model('numberOfNeighbors="2"', even).replace('numberOfNeighbors="3" ', '')), testEnv(FIELDS));
    assert.equal(m2.evaluate(rowScope({ x: 0.4 })).value, 'b');
  });

  it('transforms untransformed training instances with the LocalTransformations', () => {
    const local = '<LocalTransformations><DerivedField name="xs" optype="continuous" dataType="double"><Apply function="*"><FieldRef field="x"/><Constant>10</Constant></Apply></DerivedField></LocalTransformations>';
    const xml = model('', ROWS, local).replace('<KNNInput field="x"/>', '<KNNInput field="xs"/>');
    const m = compileNearestNeighborModel(parseXml(xml), testEnv(FIELDS, { derived: { xs: '<Apply function="*"><FieldRef field="x"/><Constant>10</Constant></Apply>' } }));
    const r = m.evaluate(rowScope({ x: 2.9 }));
    assert.equal(r.entityId, '30');
    close(r.affinities?.get('30') as number, 1);
  });

  it('rejects more neighbors than instances', () => {
    assert.throws(() => compileNearestNeighborModel(parseXml(model('', ROWS.slice(0, 2))), testEnv(FIELDS)), /numberOfNeighbors is 3 but there are 2 training instances/);
  });
});
