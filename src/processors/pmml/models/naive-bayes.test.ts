// NaiveBayesModel: densities, and a small model whose probabilities are worked out by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FROM_EXTENSION, parseXml, type XmlElement } from '../xml.js';
import { compileNaiveBayesModel, gaussianDensity, poissonProbability } from './naive-bayes.js';
import { close, rowScope, testEnv, type Fields } from './harness.js';

describe('NaiveBayes densities', () => {
  it('computes the normal density', () => {
    close(gaussianDensity(1, 0, 1), Math.exp(-0.5) / Math.sqrt(2 * Math.PI));
    close(gaussianDensity(3, 1, 4), Math.exp(-0.5) / Math.sqrt(8 * Math.PI));
  });

  it('computes Poisson probabilities', () => {
    close(poissonProbability(0, 2), Math.exp(-2));
    close(poissonProbability(3, 2), (Math.exp(-2) * 8) / 6);
    close(poissonProbability(10, 4.5), (Math.exp(-4.5) * 4.5 ** 10) / 3628800);
    assert.equal(poissonProbability(-1, 2), 0);
  });
});

const MODEL = `
<NaiveBayesModel functionName="classification" threshold="0.01">
  <MiningSchema><MiningField name="color"/><MiningField name="size"/><MiningField name="age"/><MiningField name="kind" usageType="target"/></MiningSchema>
  <BayesInputs>
    <BayesInput fieldName="color">
      <PairCounts value="red"><TargetValueCounts><TargetValueCount value="cat" count="3"/><TargetValueCount value="dog" count="1"/></TargetValueCounts></PairCounts>
      <PairCounts value="blue"><TargetValueCounts><TargetValueCount value="cat" count="0"/><TargetValueCount value="dog" count="4"/></TargetValueCounts></PairCounts>
      <PairCounts value="green"><TargetValueCounts><TargetValueCount value="cat" count="3"/><TargetValueCount value="dog" count="1"/></TargetValueCounts></PairCounts>
    </BayesInput>
    <BayesInput fieldName="size">
      <DerivedField optype="categorical" dataType="string">
        <Discretize field="size">
          <DiscretizeBin binValue="small"><Interval closure="openClosed" rightMargin="5"/></DiscretizeBin>
          <DiscretizeBin binValue="large"><Interval closure="openOpen" leftMargin="5"/></DiscretizeBin>
        </Discretize>
      </DerivedField>
      <PairCounts value="small"><TargetValueCounts><TargetValueCount value="cat" count="5"/><TargetValueCount value="dog" count="2"/></TargetValueCounts></PairCounts>
      <PairCounts value="large"><TargetValueCounts><TargetValueCount value="cat" count="1"/><TargetValueCount value="dog" count="4"/></TargetValueCounts></PairCounts>
    </BayesInput>
    <BayesInput fieldName="age">
      <TargetValueStats>
        <TargetValueStat value="cat"><GaussianDistribution mean="4" variance="1"/></TargetValueStat>
        <TargetValueStat value="dog"><GaussianDistribution mean="6" variance="4"/></TargetValueStat>
      </TargetValueStats>
    </BayesInput>
  </BayesInputs>
  <BayesOutput fieldName="kind">
    <TargetValueCounts><TargetValueCount value="cat" count="6"/><TargetValueCount value="dog" count="6"/></TargetValueCounts>
  </BayesOutput>
</NaiveBayesModel>`;

const FIELDS: Fields = {
  color: { dataType: 'string', optype: 'categorical' },
  size: { dataType: 'double', optype: 'continuous' },
  age: { dataType: 'double', optype: 'continuous' },
  kind: { dataType: 'string', optype: 'categorical' },
};

/** Normalizes likelihoods into probabilities. */
function normalize(cat: number, dog: number): [number, number] {
  return [cat / (cat + dog), dog / (cat + dog)];
}

describe('NaiveBayes classification', () => {
  const model = compileNaiveBayesModel(parseXml(MODEL), testEnv(FIELDS));

  it('multiplies the prior with each input likelihood (counts over the input total per category)', () => {
    const r = model.evaluate(rowScope({ color: 'red', size: 3, age: 5 }));
    const [cat, dog] = normalize(6 * (3 / 6) * (5 / 6) * gaussianDensity(5, 4, 1), 6 * (1 / 6) * (2 / 6) * gaussianDensity(5, 6, 4));
    close(r.probabilities?.get('cat') as number, cat);
    close(r.probabilities?.get('dog') as number, dog);
    assert.equal(r.value, cat > dog ? 'cat' : 'dog');
  });

  it('replaces a zero count and a density below it by the threshold', () => {
    const r = model.evaluate(rowScope({ color: 'blue', size: 9, age: 40 }));
    const [cat, dog] = normalize(6 * 0.01 * (1 / 6) * 0.01, 6 * (4 / 6) * (4 / 6) * 0.01);
    close(r.probabilities?.get('cat') as number, cat);
    close(r.probabilities?.get('dog') as number, dog);
    assert.equal(r.value, 'dog');
  });

  it('leaves out missing values and categories no PairCounts names', () => {
    const r = model.evaluate(rowScope({ color: 'purple' }));
    close(r.probabilities?.get('cat') as number, 0.5);
    assert.equal(r.value, 'cat');
  });

  it('applies the threshold only to zero densities for inputs of the legacy Extension encoding', () => {
    const legacy = parseXml(MODEL);
    const inputs = legacy.children.find((c) => c.name === 'BayesInputs') as XmlElement;
    const marked: XmlElement = {
      ...legacy,
      children: legacy.children.map((c) => (c !== inputs ? c : { ...c, children: c.children.map((b) => (b.attrs['fieldName'] === 'age' ? { ...b, attrs: { ...b.attrs, [FROM_EXTENSION]: 'true' } } : b)) })),
    };
    const r = compileNaiveBayesModel(marked, testEnv(FIELDS)).evaluate(rowScope({ age: 40 }));
    const [cat] = normalize(gaussianDensity(40, 4, 1), gaussianDensity(40, 6, 4));
    close(r.probabilities?.get('cat') as number, cat);
  });

  it('rejects a continuous input without a supported distribution', () => {
    assert.throws(() => compileNaiveBayesModel(parseXml(MODEL.replace('<GaussianDistribution mean="4" variance="1"/>', '<UniformDistribution lower="0" upper="1"/>')), testEnv(FIELDS)), /GaussianDistribution or PoissonDistribution/);
  });
});
