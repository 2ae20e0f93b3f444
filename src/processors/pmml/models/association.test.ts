// AssociationModel: which rules a transaction selects per algorithm, their ranking, and the
// values the rule OutputFields give.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelResult, Scope, Value } from '../model.js';
import { parseXml } from '../xml.js';
import { compileAssociationModel, ruleFeatureDataType, ruleOutput } from './association.js';
import { testEnv } from './harness.js';

const ENV = testEnv({}, { expressions: false });

/** A transaction: the item field takes each of `items`. */
function basket(items: string[]): Scope {
  return { get: (n) => (n === 'item' ? (items[0] ?? null) : null), isMissing: () => false, values: (n) => (n === 'item' ? items : []) };
}

const MODEL = `
<AssociationModel functionName="associationRules" numberOfTransactions="10" minimumSupport="0.1" minimumConfidence="0.1">
  <MiningSchema><MiningField name="transaction" usageType="group"/><MiningField name="item" usageType="active"/></MiningSchema>
  <Item id="1" value="bread"/><Item id="2" value="butter"/><Item id="3" value="milk"/><Item id="4" value="jam"/>
  <Itemset id="A"><ItemRef itemRef="1"/></Itemset>
  <Itemset id="B"><ItemRef itemRef="2"/></Itemset>
  <Itemset id="C"><ItemRef itemRef="3"/></Itemset>
  <Itemset id="AB"><ItemRef itemRef="1"/><ItemRef itemRef="2"/></Itemset>
  <Itemset id="D"><ItemRef itemRef="4"/></Itemset>
  <AssociationRule id="r1" antecedent="A" consequent="B" support="0.4" confidence="0.8" lift="1.5"/>
  <AssociationRule id="r2" antecedent="A" consequent="C" support="0.3" confidence="0.9" lift="1.2"/>
  <AssociationRule id="r3" antecedent="AB" consequent="D" support="0.2" confidence="0.5" lift="2.5"/>
  <AssociationRule antecedent="C" consequent="A" support="0.3" confidence="0.6" lift="1.2"/>
</AssociationModel>`;

const model = compileAssociationModel(parseXml(MODEL), ENV);

function out(attrs: string, r: ModelResult): Value | undefined {
  const el = parseXml(`<OutputField name="o" ${attrs}/>`);
  return ruleOutput(el, el.attrs['feature'] ?? 'ruleValue')(r);
}

describe('AssociationModel rule selection', () => {
  const r = model.evaluate(basket(['bread', 'butter', 'soap']));

  it('recommends rules whose antecedent is in the basket, ranked by confidence', () => {
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rank="1"', r), 'r2');
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rank="2"', r), 'r1');
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rank="3"', r), 'r3');
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rank="4"', r), null);
  });

  it('leaves out rules whose consequent is in the basket for exclusiveRecommendation', () => {
    assert.equal(out('feature="consequent" algorithm="exclusiveRecommendation"', r), 'milk');
    assert.equal(out('feature="consequent" algorithm="exclusiveRecommendation" rankBasis="lift"', r), 'jam');
  });

  it('keeps only rules contained in the basket for ruleAssociation', () => {
    assert.equal(out('feature="rule" algorithm="ruleAssociation"', r), '{bread}->{butter}');
    assert.equal(out('feature="entityId" algorithm="ruleAssociation"', r), 'r1');
    assert.equal(out('feature="ruleValue" ruleFeature="support" algorithm="ruleAssociation"', r), 0.4);
  });

  it('writes itemsets of several items with commas, and numbers rules without id by position', () => {
    assert.equal(out('feature="antecedent" algorithm="recommendation" rankBasis="lift"', r), 'bread,butter');
    const m = model.evaluate(basket(['milk']));
    assert.equal(out('feature="ruleId" algorithm="recommendation"', m), '4');
  });

  it('returns every selected value of a multi-valued field, or the first `rank` of them', () => {
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" isMultiValued="1" rank="0"', r), '["r2","r1","r3"]');
    assert.equal(out('feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" isMultiValued="1" rank="2" rankOrder="ascending"', r), '["r3","r1"]');
  });

  it('selects nothing for an empty basket and ignores unknown items', () => {
    assert.equal(out('feature="ruleValue" algorithm="recommendation"', model.evaluate(basket(['soap']))), null);
  });

  it('gives no rule value for results of other models', () => {
    assert.equal(out('feature="ruleValue"', { value: 'x' }), undefined);
  });

  it('types rule measures as double and the rest as string', () => {
    assert.equal(ruleFeatureDataType(parseXml('<OutputField ruleFeature="lift"/>'), 'ruleValue'), 'double');
    assert.equal(ruleFeatureDataType(parseXml('<OutputField/>'), 'rule'), 'string');
  });
});

describe('AssociationModel without a group field', () => {
  it('takes active fields whose value is "T" as the items', () => {
    const xml = `
<AssociationModel functionName="associationRules">
  <MiningSchema><MiningField name="bread"/><MiningField name="milk"/></MiningSchema>
  <Item id="1" value="bread"/><Item id="2" value="milk"/>
  <Itemset id="1"><ItemRef itemRef="1"/></Itemset><Itemset id="2"><ItemRef itemRef="2"/></Itemset>
  <AssociationRule antecedent="1" consequent="2" support="0.5" confidence="0.7"/>
</AssociationModel>`;
    const m = compileAssociationModel(parseXml(xml), ENV);
    const row = (bread: string, milk: string): Scope => {
      const v: Record<string, string> = { bread, milk };
      return { get: (n) => v[n] ?? null, isMissing: () => false, values: (n) => [v[n] ?? null] };
    };
    assert.equal(out('feature="consequent" algorithm="exclusiveRecommendation"', m.evaluate(row('T', 'F'))), 'milk');
    assert.equal(out('feature="consequent" algorithm="exclusiveRecommendation"', m.evaluate(row('F', 'F'))), null);
  });
});
