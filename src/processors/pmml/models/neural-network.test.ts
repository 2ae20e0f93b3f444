// NeuralNetwork: activation functions, layer normalization, the inverse NormContinuous, and small
// networks compiled from XML and run on hand-made rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { categoryKey } from '../values.js';
import { parseXml } from '../xml.js';
import { ACTIVATIONS, compileNeuralNetwork, denormalizer, normalizeLayer, radialBasis } from './neural-network.js';
import { close, rowScope, testEnv, type Fields } from './harness.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('NeuralNetwork activation functions', () => {
  const at = (name: string, z: number, threshold = 0): number => (ACTIVATIONS.get(name) as (t: number) => (z: number) => number)(threshold)(z);

  it('computes each PMML activation', () => {
    close(at('logistic', 0.5), sigmoid(0.5));
    close(at('tanh', 0.5), Math.tanh(0.5));
    close(at('identity', -2.5), -2.5);
    close(at('exponential', 0.5), Math.exp(0.5));
    close(at('reciprocal', 4), 0.25);
    close(at('square', -3), 9);
    close(at('Gauss', 0.5), Math.exp(-0.25));
    close(at('sine', 0.5), Math.sin(0.5));
    close(at('cosine', 0.5), Math.cos(0.5));
    close(at('Elliott', -1), -0.5);
    close(at('arctan', 1), 0.5);
    close(at('rectifier', -1), 0);
    close(at('rectifier', 2), 2);
  });

  it('fires the threshold function only above its threshold', () => {
    assert.equal(at('threshold', 0.5, 0.5), 0);
    assert.equal(at('threshold', 0.51, 0.5), 1);
    assert.equal(at('threshold', -0.1), 0);
  });

  it('computes radialBasis from the squared distance, width, altitude and fan-in', () => {
    close(radialBasis(2, 1, 1, 3), Math.exp(-1));
    close(radialBasis(2, 2, 2, 3), Math.exp(3 * Math.log(2) - 2 / 8));
  });
});

describe('NeuralNetwork layer normalization', () => {
  it('applies softmax and simplemax over the layer range only', () => {
    const v = Float64Array.from([9, 1, 2, 3]);
    normalizeLayer(v, 1, 4, 'softmax');
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e.reduce((a, b) => a + b, 0);
    assert.equal(v[0], 9);
    e.forEach((x, i) => close(v[i + 1] as number, x / s));
    const w = Float64Array.from([1, 3]);
    normalizeLayer(w, 0, 2, 'simplemax');
    assert.deepEqual([...w], [0.25, 0.75]);
  });
});

describe('NeuralNetwork NormContinuous inverse', () => {
  const denorm = denormalizer(parseXml('<NormContinuous field="y"><LinearNorm orig="0" norm="0.1"/><LinearNorm orig="100" norm="0.5"/><LinearNorm orig="500" norm="0.9"/></NormContinuous>'));

  it('maps back inside each segment', () => {
    close(denorm(0.1), 0);
    close(denorm(0.3), 50);
    close(denorm(0.7), 300);
  });

  it('extends the end segments outside the range', () => {
    close(denorm(0), -25);
    close(denorm(1), 600);
  });
});

const CLASSIFIER = `
<NeuralNetwork functionName="classification" activationFunction="logistic">
  <MiningSchema><MiningField name="x1"/><MiningField name="x2"/><MiningField name="y" usageType="target"/></MiningSchema>
  <NeuralInputs>
    <NeuralInput id="i1"><DerivedField optype="continuous" dataType="double"><FieldRef field="x1"/></DerivedField></NeuralInput>
    <NeuralInput id="i2"><DerivedField optype="continuous" dataType="double">
      <NormContinuous field="x2"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/></NormContinuous>
    </DerivedField></NeuralInput>
  </NeuralInputs>
  <NeuralLayer>
    <Neuron id="h1" bias="0.5"><Con from="i1" weight="1"/><Con from="i2" weight="-2"/></Neuron>
    <Neuron id="h2" bias="-0.5"><Con from="i1" weight="-1"/><Con from="i2" weight="3"/></Neuron>
  </NeuralLayer>
  <NeuralLayer activationFunction="identity" normalizationMethod="softmax">
    <Neuron id="o1" bias="0"><Con from="h1" weight="2"/><Con from="h2" weight="-1"/></Neuron>
    <Neuron id="o2" bias="0.25"><Con from="h1" weight="-1"/><Con from="h2" weight="2"/></Neuron>
  </NeuralLayer>
  <NeuralOutputs>
    <NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="no"/></DerivedField></NeuralOutput>
    <NeuralOutput outputNeuron="o2"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="yes"/></DerivedField></NeuralOutput>
  </NeuralOutputs>
</NeuralNetwork>`;

const FIELDS: Fields = {
  x1: { dataType: 'double', optype: 'continuous' },
  x2: { dataType: 'double', optype: 'continuous' },
  y: { dataType: 'string', optype: 'categorical' },
};

describe('NeuralNetwork classification', () => {
  const model = compileNeuralNetwork(parseXml(CLASSIFIER), testEnv(FIELDS));

  it('propagates through the layers and gives softmax probabilities per category', () => {
    const i1 = 1;
    const i2 = 0.4;
    const h1 = sigmoid(0.5 + i1 - 2 * i2);
    const h2 = sigmoid(-0.5 - i1 + 3 * i2);
    const o1 = 2 * h1 - h2;
    const o2 = 0.25 - h1 + 2 * h2;
    const pNo = Math.exp(o1 - Math.max(o1, o2)) / (Math.exp(o1 - Math.max(o1, o2)) + Math.exp(o2 - Math.max(o1, o2)));
    const r = model.evaluate(rowScope({ x1: 1, x2: 4 }));
    assert.equal(r.value, pNo > 0.5 ? 'no' : 'yes');
    close(r.probabilities?.get('no') as number, pNo);
    close(r.probabilities?.get('yes') as number, 1 - pNo);
    assert.equal(r.entityId, pNo > 0.5 ? 'o1' : 'o2');
    assert.deepEqual(model.targets, ['y']);
  });

  it('gives no prediction when an input is missing', () => {
    assert.equal(model.evaluate(rowScope({ x1: 1 })).value, null);
  });

  it('rejects a connection from an unknown node and an unknown activation function', () => {
    assert.throws(() => compileNeuralNetwork(parseXml(CLASSIFIER.replace('from="i2" weight="-2"', 'from="zz" weight="-2"')), testEnv(FIELDS)), /connects from "zz"/);
    assert.throws(() => compileNeuralNetwork(parseXml(CLASSIFIER.replace('activationFunction="logistic"', 'activationFunction="swish"')), testEnv(FIELDS)), /unknown activationFunction "swish"/);
  });
});

describe('NeuralNetwork regression', () => {
  const xml = `
<NeuralNetwork functionName="regression" activationFunction="radialBasis" width="2" altitude="1.5">
  <MiningSchema><MiningField name="x1"/><MiningField name="z" usageType="target"/></MiningSchema>
  <NeuralInputs><NeuralInput id="0"><DerivedField optype="continuous" dataType="double"><FieldRef field="x1"/></DerivedField></NeuralInput></NeuralInputs>
  <NeuralLayer><Neuron id="1"><Con from="0" weight="0.5"/></Neuron></NeuralLayer>
  <NeuralLayer activationFunction="identity"><Neuron id="2" bias="0.1"><Con from="1" weight="0.8"/></Neuron></NeuralLayer>
  <NeuralOutputs><NeuralOutput outputNeuron="2"><DerivedField optype="continuous" dataType="double">
    <NormContinuous field="z"><LinearNorm orig="0" norm="0"/><LinearNorm orig="200" norm="1"/></NormContinuous>
  </DerivedField></NeuralOutput></NeuralOutputs>
</NeuralNetwork>`;

  it('uses radialBasis neurons and maps the output neuron back to the target scale', () => {
    const model = compileNeuralNetwork(parseXml(xml), testEnv({ x1: { dataType: 'double', optype: 'continuous' }, z: { dataType: 'double', optype: 'continuous' } }));
    const hidden = Math.exp(Math.log(1.5) - (3 - 0.5) ** 2 / 8);
    const out = 0.1 + 0.8 * hidden;
    const r = model.evaluate(rowScope({ x1: 3 }));
    close(r.value as number, out * 200);
    assert.equal(r.probabilities, undefined);
    assert.equal(categoryKey(model.functionName), 'regression');
  });

  it('follows a NeuralOutput FieldRef to the LocalTransformations field it names', () => {
    const local = '<LocalTransformations><DerivedField name="zn" optype="continuous" dataType="double"><NormContinuous field="z"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField></LocalTransformations>';
    const viaLocal = xml
      .replace('<NeuralInputs>', `${local}<NeuralInputs>`)
      .replace(/<NeuralOutputs>[\s\S]*<\/NeuralOutputs>/, '<NeuralOutputs><NeuralOutput outputNeuron="2"><DerivedField optype="continuous" dataType="double"><FieldRef field="zn"/></DerivedField></NeuralOutput></NeuralOutputs>');
    const model = compileNeuralNetwork(parseXml(viaLocal), testEnv({ x1: { dataType: 'double', optype: 'continuous' }, z: { dataType: 'double', optype: 'continuous' } }));
    const hidden = Math.exp(Math.log(1.5) - (3 - 0.5) ** 2 / 8);
    close(model.evaluate(rowScope({ x1: 3 })).value as number, (0.1 + 0.8 * hidden) * 10);
  });
});
