// SupportVectorMachineModel: kernels, dense and sparse vectors, and OneAgainstOne / OneAgainstAll
// classification and regression on small hand-made machines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml.js';
import { compileKernel, compileSupportVectorMachineModel, parseVector } from './svm.js';
import { close, rowScope, testEnv, type Fields } from './harness.js';

describe('SVM kernels', () => {
  const x = Float64Array.from([1, 2]);
  const y = Float64Array.from([9, 3, -1]);
  const k = (xml: string): number => compileKernel(parseXml(xml))(x, y, 1);

  it('computes linear, polynomial, radial basis and sigmoid kernels', () => {
    close(k('<LinearKernelType/>'), 1);
    close(k('<PolynomialKernelType gamma="0.5" coef0="2" degree="3"/>'), Math.pow(0.5 * 1 + 2, 3));
    close(k('<RadialBasisKernelType gamma="0.25"/>'), Math.exp(-0.25 * (4 + 9)));
    close(k('<SigmoidKernelType gamma="2" coef0="-1"/>'), Math.tanh(2 * 1 - 1));
  });

  it('uses PMML defaults (gamma 1, coef0 1, degree 1)', () => {
    close(k('<PolynomialKernelType/>'), 2);
    close(k('<SigmoidKernelType/>'), Math.tanh(2));
  });
});

describe('SVM vectors', () => {
  it('reads dense arrays and 1-based sparse arrays', () => {
    assert.deepEqual([...parseVector(parseXml('<VectorInstance id="a"><Array type="real">1 2.5 -3</Array></VectorInstance>'), 3, 'a')], [1, 2.5, -3]);
    const sparse = parseXml('<VectorInstance id="b"><REAL-SparseArray n="4"><Indices>2 4</Indices><REAL-Entries>7 8</REAL-Entries></REAL-SparseArray></VectorInstance>');
    assert.deepEqual([...parseVector(sparse, 4, 'b')], [0, 7, 0, 8]);
    assert.throws(() => parseVector(parseXml('<VectorInstance id="c"><Array type="real">1 2</Array></VectorInstance>'), 3, 'c'), /2 values, VectorFields has 3/);
  });
});

// The XOR machine of the DMG examples: the four corners are classified no, yes, yes, no.
const XOR = `
<SupportVectorMachineModel functionName="classification">
  <MiningSchema><MiningField name="x1"/><MiningField name="x2"/><MiningField name="class" usageType="target"/></MiningSchema>
  <RadialBasisKernelType gamma="1.0"/>
  <VectorDictionary>
    <VectorFields><FieldRef field="x1"/><FieldRef field="x2"/></VectorFields>
    <VectorInstance id="mv0"><REAL-SparseArray n="2"/></VectorInstance>
    <VectorInstance id="mv1"><REAL-SparseArray n="2"><Indices>2</Indices><REAL-Entries>1.0</REAL-Entries></REAL-SparseArray></VectorInstance>
    <VectorInstance id="mv2"><REAL-SparseArray n="2"><Indices>1</Indices><REAL-Entries>1.0</REAL-Entries></REAL-SparseArray></VectorInstance>
    <VectorInstance id="mv3"><Array type="real">1 1</Array></VectorInstance>
  </VectorDictionary>
  <SupportVectorMachine targetCategory="no" alternateTargetCategory="yes">
    <SupportVectors><SupportVector vectorId="mv0"/><SupportVector vectorId="mv1"/><SupportVector vectorId="mv2"/><SupportVector vectorId="mv3"/></SupportVectors>
    <Coefficients absoluteValue="0"><Coefficient value="-1"/><Coefficient value="1"/><Coefficient value="1"/><Coefficient value="-1"/></Coefficients>
  </SupportVectorMachine>
</SupportVectorMachineModel>`;

const XY: Fields = { x1: { dataType: 'double', optype: 'continuous' }, x2: { dataType: 'double', optype: 'continuous' }, class: { dataType: 'string', optype: 'categorical', values: ['no', 'yes'] } };

describe('SVM binary classification', () => {
  const model = compileSupportVectorMachineModel(parseXml(XOR), testEnv(XY));

  it('votes for targetCategory below the threshold and for the alternate above it', () => {
    assert.equal(model.evaluate(rowScope({ x1: 0, x2: 0 })).value, 'no');
    assert.equal(model.evaluate(rowScope({ x1: 0, x2: 1 })).value, 'yes');
    assert.equal(model.evaluate(rowScope({ x1: 1, x2: 0 })).value, 'yes');
    const r = model.evaluate(rowScope({ x1: 1, x2: 1 }));
    assert.equal(r.value, 'no');
    assert.deepEqual([...(r.probabilities ?? [])], [['no', 1]]);
  });

  it('flips the vote with maxWins', () => {
    const flipped = compileSupportVectorMachineModel(parseXml(XOR.replace('functionName="classification"', 'functionName="classification" maxWins="true"')), testEnv(XY));
    assert.equal(flipped.evaluate(rowScope({ x1: 0, x2: 0 })).value, 'yes');
  });

  it('gives no prediction for a missing input', () => {
    assert.equal(model.evaluate(rowScope({ x1: 0 })).value, null);
  });
});

/** Three linear machines over one field: f = x − c, so the sign tells which side of c the input is. */
function threeClass(method: string, machines: string[]): string {
  return `
<SupportVectorMachineModel functionName="classification" svmRepresentation="Coefficients" ${method}>
  <MiningSchema><MiningField name="x1"/><MiningField name="class" usageType="target"/></MiningSchema>
  <LinearKernelType/>
  <VectorDictionary><VectorFields><FieldRef field="x1"/></VectorFields></VectorDictionary>
  ${machines.join('\n')}
</SupportVectorMachineModel>`;
}

const machine = (attrs: string, c: number): string => `<SupportVectorMachine ${attrs}><Coefficients absoluteValue="${-c}"><Coefficient value="1"/></Coefficients></SupportVectorMachine>`;

describe('SVM multi-class classification', () => {
  const fields: Fields = { x1: { dataType: 'double', optype: 'continuous' }, class: { dataType: 'string', optype: 'categorical', values: ['a', 'b', 'c'] } };

  it('counts OneAgainstOne votes and reports vote shares', () => {
    const xml = threeClass('classificationMethod="OneAgainstOne"', [
      machine('targetCategory="a" alternateTargetCategory="b"', 1),
      machine('targetCategory="a" alternateTargetCategory="c"', 2),
      machine('targetCategory="b" alternateTargetCategory="c"', 3),
    ]);
    const model = compileSupportVectorMachineModel(parseXml(xml), testEnv(fields));
    const r = model.evaluate(rowScope({ x1: 2.5 }));
    assert.equal(r.value, 'b');
    assert.deepEqual(Object.fromEntries(r.probabilities ?? []), { b: 2 / 3, c: 1 / 3 });
    assert.equal(model.evaluate(rowScope({ x1: 0 })).value, 'a');
  });

  it('infers OneAgainstOne from machines with alternate categories', () => {
    const xml = threeClass('', [machine('targetCategory="a" alternateTargetCategory="b"', 1), machine('targetCategory="b" alternateTargetCategory="c"', 2), machine('targetCategory="a" alternateTargetCategory="c"', 3)]);
    assert.equal(compileSupportVectorMachineModel(parseXml(xml), testEnv(fields)).evaluate(rowScope({ x1: 5 })).value, 'c');
  });

  it('picks the lowest OneAgainstAll value, the highest with maxWins', () => {
    const machines = [machine('targetCategory="a"', 1), machine('targetCategory="b"', 3), machine('targetCategory="c"', 2)];
    const low = compileSupportVectorMachineModel(parseXml(threeClass('classificationMethod="OneAgainstAll"', machines)), testEnv(fields));
    assert.equal(low.evaluate(rowScope({ x1: 0 })).value, 'b');
    const high = compileSupportVectorMachineModel(parseXml(threeClass('classificationMethod="OneAgainstAll" maxWins="true"', machines)), testEnv(fields));
    assert.equal(high.evaluate(rowScope({ x1: 0 })).value, 'a');
  });
});

describe('SVM regression', () => {
  it('adds the absolute coefficient to the weighted kernel sum', () => {
    const xml = XOR.replace('functionName="classification"', 'functionName="regression"')
      .replace(' targetCategory="no" alternateTargetCategory="yes"', '')
      .replace('absoluteValue="0"', 'absoluteValue="0.5"')
      .replace('name="class" usageType="target"', 'name="y" usageType="target"');
    const model = compileSupportVectorMachineModel(parseXml(xml), testEnv({ ...XY, y: { dataType: 'double', optype: 'continuous' } }));
    close(model.evaluate(rowScope({ x1: 0, x2: 0 })).value as number, 0.5 - 1 + 2 * Math.exp(-1) - Math.exp(-2));
  });
});
