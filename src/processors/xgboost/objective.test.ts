import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, findObjective, softmax, transformScalar } from './objective.js';

const link = (name: string, score: number): number | undefined => findObjective(name)?.link(score);

void describe('objectives', () => {
  void it('turn base_score into a margin through each objective’s link', () => {
    assert.ok(link('binary:logistic', 0.5) === 0, 'logit(0.5) is 0 (or -0)');
    assert.equal(link('reg:logistic', 0.25), Math.fround(-Math.log(3)));
    assert.equal(link('binary:logitraw', 0.5), 0.5);
    assert.equal(link('count:poisson', 1), 0);
    assert.equal(link('reg:gamma', Math.E), Math.fround(1));
    assert.equal(link('survival:aft', 2), Math.fround(Math.log(2)));
    assert.equal(link('reg:squarederror', 0.1), Math.fround(0.1));
    assert.equal(link('multi:softprob', -0.5), -0.5);
    assert.equal(findObjective('reg:unknown'), undefined);
    assert.equal(findObjective('toString'), undefined);
  });

  void it('transform margins as Booster.predict() does by default', () => {
    assert.equal(transformScalar('sigmoid', 0), 0.5);
    assert.equal(transformScalar('exp', 0), 1);
    assert.equal(transformScalar('hinge', 0), 0);
    assert.equal(transformScalar('hinge', 1e-9), 1);
    assert.equal(transformScalar('identity', -2.5), -2.5);
    const p: number[] = [];
    softmax([9, 1, 2, 3, 9], 1, 3, p);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const sum = e[0]! + e[1]! + e[2]!;
    assert.deepEqual(
      p,
      e.map((v) => Math.fround(v / sum)),
    );
    assert.equal(argmax([0, 2, 7, 7, 1], 1, 4), 1);
    assert.equal(argmax([5, 1, 1], 0, 3), 0);
  });
});
