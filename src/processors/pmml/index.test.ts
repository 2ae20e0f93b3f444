// Loading PMML documents: load errors, inputs, request values and their treatments, and small
// models of each family compiled here, scored through the TabularModel face.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelLoadError, RowError } from '../tabular/model.js';
import { loadPmmlModel } from './index.js';

const enc = new TextEncoder();

function load(xml: string): ReturnType<typeof loadPmmlModel> {
  return loadPmmlModel(enc.encode(xml), 'model.pmml');
}

function pmml(body: string, dictionary: string, version = '4.4'): string {
  return `<?xml version="1.0"?><PMML xmlns="http://www.dmg.org/PMML-${version.replace('.', '_')}" version="${version}"><Header/><DataDictionary>${dictionary}</DataDictionary>${body}</PMML>`;
}

const GOLF_DICTIONARY = `
  <DataField name="temperature" optype="continuous" dataType="double"/>
  <DataField name="outlook" optype="categorical" dataType="string"><Value value="sunny"/><Value value="overcast"/><Value value="rain"/><Value value="NA" property="missing"/></DataField>
  <DataField name="play" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>`;

function golfTree(strategy: string, extra = ''): string {
  return pmml(
    `<TreeModel functionName="classification" missingValueStrategy="${strategy}" ${extra}>
      <MiningSchema><MiningField name="temperature"/><MiningField name="outlook"/><MiningField name="play" usageType="target"/></MiningSchema>
      <Output><OutputField name="p_yes" feature="probability" value="yes"/><OutputField name="node" feature="entityId"/></Output>
      <Node id="root" score="yes" recordCount="10" defaultChild="sun">
        <True/>
        <ScoreDistribution value="yes" recordCount="6"/><ScoreDistribution value="no" recordCount="4"/>
        <Node id="sun" score="no" recordCount="4">
          <SimplePredicate field="outlook" operator="equal" value="sunny"/>
          <ScoreDistribution value="yes" recordCount="1"/><ScoreDistribution value="no" recordCount="3"/>
        </Node>
        <Node id="other" score="yes" recordCount="6">
          <SimplePredicate field="outlook" operator="notEqual" value="sunny"/>
          <ScoreDistribution value="yes" recordCount="5"/><ScoreDistribution value="no" recordCount="1"/>
        </Node>
      </Node>
    </TreeModel>`,
    GOLF_DICTIONARY,
  );
}

void describe('loading', () => {
  void it('rejects what is not a usable PMML document with a ModelLoadError naming the problem', () => {
    const fails = (xml: string, message: RegExp): void => {
      assert.throws(() => load(xml), (err: unknown) => err instanceof ModelLoadError && message.test(err.message) && err.message.includes('model.pmml'));
    };
    fails('garbage', /not well-formed XML/);
    fails(golfTree('none').slice(0, 300), /not well-formed XML: .*\(line 3/);
    const whole = golfTree('none');
    fails(whole.slice(0, whole.indexOf('</MiningSchema>') + '</MiningSchema>'.length), /not well-formed XML: the document ends inside <PMML> <TreeModel> \(is it truncated\?\)/);
    fails('<html><body/></html>', /not a PMML document/);
    fails(pmml('', GOLF_DICTIONARY), /no model element/);
    fails(pmml('<TimeSeriesModel functionName="timeSeries"><MiningSchema/></TimeSeriesModel>', GOLF_DICTIONARY), /unsupported model element TimeSeriesModel/);
    fails(
      pmml(
        `<RegressionModel functionName="regression"><MiningSchema><MiningField name="temperature"/></MiningSchema>
          <LocalTransformations><DerivedField name="d" dataType="double" optype="continuous"><Apply function="frobnicate"><FieldRef field="temperature"/></Apply></DerivedField></LocalTransformations>
          <RegressionTable intercept="0"><NumericPredictor name="d" coefficient="1"/></RegressionTable></RegressionModel>`,
        GOLF_DICTIONARY,
      ),
      /unknown function "frobnicate"/,
    );
    fails(
      pmml(`<RegressionModel functionName="regression"><MiningSchema><MiningField name="humidity"/></MiningSchema><RegressionTable intercept="0"/></RegressionModel>`, GOLF_DICTIONARY),
      /MiningField "humidity" is not declared/,
    );
    fails(
      pmml(`<RegressionModel functionName="regression"><MiningSchema><MiningField name="temperature"/></MiningSchema><RegressionTable intercept="0"><NumericPredictor name="wind" coefficient="1"/></RegressionTable></RegressionModel>`, GOLF_DICTIONARY),
      /field "wind" is not declared/,
    );
  });

  void it('takes the active MiningFields as inputs, typed by the DataDictionary', () => {
    const m = load(golfTree('none'));
    assert.equal(m.processor, 'pmml');
    assert.deepEqual(m.inputs, [
      { name: 'temperature', type: 'number' },
      { name: 'outlook', type: 'category', values: ['sunny', 'overcast', 'rain'] },
    ]);
    assert.deepEqual(
      m.outputs.map((o) => o.name),
      ['play', 'p_yes', 'node'],
    );
    assert.equal(m.details['model'], 'TreeModel');
    assert.equal(m.details['version'], '4.4');
  });
});

void describe('request values', () => {
  const m = load(golfTree('lastPrediction'));

  void it('converts CSV text, treats declared missing values as missing, and scores', () => {
    assert.deepEqual(m.predict([['21.5', 'sunny'], [21.5, 'NA'], [null, 'rain']]), [
      { play: 'no', p_yes: 0.25, node: 'sun' },
      { play: 'yes', p_yes: 0.6, node: 'root' },
      { play: 'yes', p_yes: 5 / 6, node: 'other' },
    ]);
  });

  void it('throws a RowError with the expected form for an invalid value, before scoring any row', () => {
    assert.throws(
      () => m.predict([['1', 'sunny'], ['abc', 'sunny']]),
      (err: unknown) => err instanceof RowError && err.row === 1 && err.field === 'temperature' && err.message === 'row 1, field "temperature": expected a number, got "abc"',
    );
    assert.throws(() => m.predict([['1', 'snow']]), (err: unknown) => err instanceof RowError && err.expected === 'one of "sunny", "overcast", "rain"');
  });

  void it('applies invalidValueTreatment, missingValueReplacement and outliers', () => {
    const model = load(
      pmml(
        `<RegressionModel functionName="regression">
          <MiningSchema>
            <MiningField name="x" invalidValueTreatment="asMissing" missingValueReplacement="2" outliers="asExtremeValues" lowValue="0" highValue="10"/>
            <MiningField name="c" invalidValueTreatment="asIs"/>
            <MiningField name="y" usageType="target"/>
          </MiningSchema>
          <RegressionTable intercept="0"><NumericPredictor name="x" coefficient="1"/><CategoricalPredictor name="c" value="a" coefficient="100"/></RegressionTable>
        </RegressionModel>`,
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="a"/></DataField><DataField name="y" optype="continuous" dataType="double"/>`,
      ),
    );
    assert.deepEqual(
      model.predict([['5', 'a'], ['x', 'z'], [null, 'a'], ['50', 'z'], [-3, 'z']]).map((r) => r['y']),
      [105, 2, 102, 10, 0],
    );
  });

  void it('matches space-padded categories and numeric categories by value', () => {
    const model = load(
      pmml(
        `<TreeModel functionName="regression" noTrueChildStrategy="returnLastPrediction">
          <MiningSchema><MiningField name="g"/><MiningField name="n"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Node score="0"><True/>
            <Node score="1"><CompoundPredicate booleanOperator="and"><SimplePredicate field="g" operator="equal" value="  female"/><SimplePredicate field="n" operator="equal" value="2"/></CompoundPredicate></Node>
          </Node>
        </TreeModel>`,
        `<DataField name="g" optype="categorical" dataType="string"><Value value="  female"/><Value value="    male"/></DataField>
         <DataField name="n" optype="categorical" dataType="integer"><Value value="1"/><Value value="2"/></DataField>
         <DataField name="y" optype="continuous" dataType="double"/>`,
      ),
    );
    assert.deepEqual(
      model.predict([['  female', '2.0'], ['female', 2], ['    male', '2']]).map((r) => r['y']),
      [1, 1, 0],
    );
  });
});

void describe('TreeModel missing value strategies', () => {
  const score = (strategy: string, extra = ''): Record<string, unknown> => load(golfTree(strategy, extra)).predict([['20', null]])[0] ?? {};

  void it('follows each strategy when a predicate is unknown', () => {
    assert.deepEqual(score('none', 'noTrueChildStrategy="returnLastPrediction"'), { play: 'yes', p_yes: 0.6, node: 'root' });
    assert.deepEqual(score('none'), { play: null, p_yes: null, node: null });
    assert.deepEqual(score('nullPrediction'), { play: null, p_yes: null, node: null });
    assert.deepEqual(score('lastPrediction'), { play: 'yes', p_yes: 0.6, node: 'root' });
    assert.deepEqual(score('defaultChild'), { play: 'no', p_yes: 0.25, node: 'sun' });
    // aggregateNodes: record counts of both children summed (6 yes, 4 no).
    assert.deepEqual(score('aggregateNodes'), { play: 'yes', p_yes: 0.6, node: 'root' });
    // weightedConfidence: (4·0.25 + 6·5/6) / 10 for yes.
    assert.deepEqual(score('weightedConfidence'), { play: 'yes', p_yes: 0.6, node: 'root' });
  });
});

void describe('models', () => {
  void it('scores a softmax RegressionModel classification', () => {
    const m = load(
      pmml(
        `<RegressionModel functionName="classification" normalizationMethod="softmax">
          <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="p_b" feature="probability" value="b"/></Output>
          <RegressionTable intercept="0" targetCategory="a"/>
          <RegressionTable intercept="0" targetCategory="b"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
        </RegressionModel>`,
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`,
      ),
    );
    const [r] = m.predict([['1']]);
    assert.equal(r?.['y'], 'b');
    assert.ok(Math.abs((r?.['p_b'] as number) - 1 / (1 + Math.exp(-1))) < 1e-15);
  });

  void it('chains segments of a MiningModel, with Targets rescaling and transformedValue outputs', () => {
    const m = load(
      pmml(
        `<TransformationDictionary><DerivedField name="x2" optype="continuous" dataType="double"><Apply function="*"><FieldRef field="x"/><Constant>2</Constant></Apply></DerivedField></TransformationDictionary>
        <MiningModel functionName="regression">
          <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="half" feature="transformedValue"><Apply function="/"><FieldRef field="y_out"/><Constant>2</Constant></Apply></OutputField><OutputField name="y_out" feature="predictedValue"/></Output>
          <Targets><Target field="y" rescaleFactor="10" rescaleConstant="1"/></Targets>
          <Segmentation multipleModelMethod="modelChain">
            <Segment id="1"><True/>
              <RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
                <Output><OutputField name="first" feature="predictedValue"/></Output>
                <RegressionTable intercept="1"><NumericPredictor name="x2" coefficient="1"/></RegressionTable></RegressionModel>
            </Segment>
            <Segment id="2"><SimplePredicate field="first" operator="greaterThan" value="0"/>
              <RegressionModel functionName="regression"><MiningSchema><MiningField name="first"/><MiningField name="y" usageType="target"/></MiningSchema>
                <RegressionTable intercept="0"><NumericPredictor name="first" coefficient="3"/></RegressionTable></RegressionModel>
            </Segment>
          </Segmentation>
        </MiningModel>`,
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
      ),
    );
    // x=1: first = 1 + 2 = 3; second = 9; Targets: 9·10 + 1 = 91.
    assert.deepEqual(m.predict([[1], [-1]]), [
      { y: 91, half: 45.5, y_out: 91 },
      { y: -9, half: -4.5, y_out: -9 },
    ]);
  });

  void it('votes with a majorityVote forest', () => {
    const tree = (score: string): string => `<Segment><True/><TreeModel functionName="classification"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><Node score="${score}"><True/></Node></TreeModel></Segment>`;
    const m = load(
      pmml(
        `<MiningModel functionName="classification"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="p1" feature="probability" value="1"/></Output>
          <Segmentation multipleModelMethod="majorityVote">${tree('1')}${tree('0')}${tree('1')}</Segmentation></MiningModel>`,
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="integer"><Value value="0"/><Value value="1"/></DataField>`,
      ),
    );
    assert.deepEqual(m.predict([[0]]), [{ y: 1, p1: 2 / 3 }]);
  });

  void it('ranks Scorecard reason codes', () => {
    const m = load(
      pmml(
        `<Scorecard functionName="regression" reasonCodeAlgorithm="pointsBelow" baselineScore="10">
          <MiningSchema><MiningField name="x"/><MiningField name="s" usageType="target"/></MiningSchema>
          <Output><OutputField name="score" feature="predictedValue"/><OutputField name="rc1" feature="reasonCode" rank="1"/><OutputField name="rc2" feature="reasonCode" rank="2"/></Output>
          <Characteristics>
            <Characteristic reasonCode="A"><Attribute partialScore="8"><SimplePredicate field="x" operator="lessThan" value="0"/></Attribute><Attribute partialScore="10"><True/></Attribute></Characteristic>
            <Characteristic reasonCode="B"><Attribute partialScore="2"><SimplePredicate field="x" operator="lessThan" value="5"/></Attribute><Attribute partialScore="12"><True/></Attribute></Characteristic>
          </Characteristics>
        </Scorecard>`,
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="s" optype="continuous" dataType="double"/>`,
      ),
    );
    assert.deepEqual(m.predict([[-1], [7]]), [
      { s: 10, score: 10, rc1: 'B', rc2: 'A' },
      { s: 22, score: 22, rc1: null, rc2: null },
    ]);
  });
});
