// RuleSetModel: rule selection (firstHit, weightedSum, weightedMax), CompoundRule guards, the
// default score, and ScoreDistribution probabilities.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml.js';
import { compileRuleSetModel, selectRules, type Rule } from './rule-set.js';
import { rowScope, testEnv, type Fields } from './harness.js';

const rule = (id: string, key: string, weight: number, confidence: number): Rule => ({ id, key, score: key, weight, confidence, probabilities: undefined });

describe('rule selection', () => {
  const fired = [rule('1', 'x', 0.2, 0.9), rule('2', 'y', 0.5, 0.6), rule('3', 'x', 0.4, 0.3), rule('4', 'y', 0.1, 0.8)];

  it('firstHit takes the first rule; confidences are those of the first rule per score', () => {
    const r = selectRules(fired, 'firstHit');
    assert.equal(r?.winner.id, '1');
    assert.deepEqual(Object.fromEntries(r?.confidences ?? []), { x: 0.9, y: 0.6 });
  });

  it('weightedSum takes the score with the largest total weight, confidence = total / rules fired', () => {
    const r = selectRules(fired, 'weightedSum');
    assert.equal(r?.winner.key, 'x');
    assert.equal(r?.winner.id, '3');
    assert.deepEqual(Object.fromEntries(r?.confidences ?? []), { x: 0.6000000000000001 / 4, y: 0.6 / 4 });
  });

  it('weightedMax takes the rule with the largest weight and its confidence', () => {
    const r = selectRules(fired, 'weightedMax');
    assert.equal(r?.winner.id, '2');
    assert.equal(r?.confidences.get('y'), 0.6);
    assert.equal(r?.confidences.get('x'), 0.3);
  });

  it('has nothing to select when no rule fired', () => {
    assert.equal(selectRules([], 'firstHit'), undefined);
  });
});

// The DMG drug example: three rules fire for BP=HIGH, K=0.0621, Age=36, Na=0.5023.
const DRUGS = `
<RuleSetModel functionName="classification">
  <MiningSchema><MiningField name="BP"/><MiningField name="K"/><MiningField name="Age"/><MiningField name="Na"/><MiningField name="drug" usageType="target"/></MiningSchema>
  <RuleSet defaultScore="drugY" defaultConfidence="0.1">
    <RuleSelectionMethod criterion="CRITERION"/>
    <CompoundRule>
      <SimplePredicate field="BP" operator="equal" value="HIGH"/>
      <CompoundRule>
        <SimplePredicate field="Age" operator="lessOrEqual" value="50"/>
        <SimpleRule id="RULE1" score="drugB" confidence="0.9" weight="0.9">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="K" operator="greaterThan" value="0.045804001"/>
            <SimplePredicate field="Na" operator="lessOrEqual" value="0.77240998"/>
          </CompoundPredicate>
          <ScoreDistribution value="drugA" recordCount="2"/>
          <ScoreDistribution value="drugB" recordCount="76"/>
        </SimpleRule>
        <SimpleRule id="RULE2" score="drugA" confidence="0.6" weight="0.6">
          <SimplePredicate field="K" operator="greaterThan" value="0.057789002"/>
        </SimpleRule>
      </CompoundRule>
      <SimpleRule score="drugA" confidence="0.36" weight="0.36">
        <SimplePredicate field="Na" operator="greaterThan" value="0.21"/>
      </SimpleRule>
    </CompoundRule>
    <SimpleRule score="drugC" confidence="1" weight="0.1"><True/></SimpleRule>
  </RuleSet>
</RuleSetModel>`;

const FIELDS: Fields = {
  BP: { dataType: 'string', optype: 'categorical' },
  K: { dataType: 'double', optype: 'continuous' },
  Age: { dataType: 'double', optype: 'continuous' },
  Na: { dataType: 'double', optype: 'continuous' },
  drug: { dataType: 'string', optype: 'categorical' },
};

const ROW = { BP: 'HIGH', K: 0.0621, Age: 36, Na: 0.5023 };

describe('RuleSetModel', () => {
  const compile = (criterion: string, xml = DRUGS) => compileRuleSetModel(parseXml(xml.replace('CRITERION', criterion)), testEnv(FIELDS, { expressions: false, predicates: true }));

  it('scores the DMG example with weightedSum', () => {
    const r = compile('weightedSum').evaluate(rowScope(ROW));
    assert.equal(r.value, 'drugA');
    assert.ok(Math.abs((r.confidences?.get('drugA') as number) - 0.96 / 4) < 1e-15);
  });

  it('numbers rules without an id by their position among all SimpleRules', () => {
    const r = compile('weightedMax').evaluate(rowScope({ ...ROW, BP: 'LOW' }));
    assert.equal(r.value, 'drugC');
    assert.equal(r.entityId, '4');
  });

  it('gives the first firing rule its ScoreDistribution as probabilities', () => {
    const r = compile('firstHit').evaluate(rowScope(ROW));
    assert.equal(r.value, 'drugB');
    assert.equal(r.entityId, 'RULE1');
    assert.deepEqual(Object.fromEntries(r.probabilities ?? []), { drugA: 2 / 78, drugB: 76 / 78 });
  });

  it('falls back to the default score when no rule fires', () => {
    const xml = DRUGS.replace('<SimpleRule score="drugC" confidence="1" weight="0.1"><True/></SimpleRule>', '');
    const r = compile('firstHit', xml).evaluate(rowScope({ BP: 'LOW' }));
    assert.equal(r.value, 'drugY');
    assert.equal(r.confidences?.get('drugY'), 0.1);
  });

  it('rejects an unknown criterion', () => {
    assert.throws(() => compile('mostVotes'), /unknown criterion "mostVotes"/);
  });
});
