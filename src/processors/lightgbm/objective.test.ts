import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exp } from './exp.js';
import { FormatError } from './format-error.js';
import { applyLink, parseObjective } from './objective.js';

function linked(line: string | undefined, scores: number[], numClass = scores.length): number[] {
  const out = Float64Array.from(scores);
  applyLink(parseObjective(line, numClass).link, out, 0, scores.length);
  return Array.from(out);
}

void describe('parseObjective', () => {
  void it('maps every objective to its link', () => {
    const kind = (line: string | undefined, numClass = 1) => parseObjective(line, numClass).link.kind;
    for (const line of ['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape', 'lambdarank', 'rank_xendcg', 'custom', undefined]) {
      assert.equal(kind(line), 'identity', String(line));
    }
    for (const line of ['poisson', 'gamma', 'tweedie', 'tweedie tweedie_variance_power:1.5']) assert.equal(kind(line), 'exp', line);
    assert.equal(kind('regression sqrt'), 'signed-square');
    assert.equal(kind('binary sigmoid:1'), 'sigmoid');
    assert.equal(kind('cross_entropy'), 'sigmoid');
    assert.equal(kind('xentropy'), 'sigmoid');
    assert.equal(kind('cross_entropy_lambda'), 'log1p-exp');
    assert.equal(kind('xentlambda'), 'log1p-exp');
    assert.equal(kind('multiclass num_class:3', 3), 'softmax');
    assert.equal(kind('multiclassova num_class:3 sigmoid:1', 3), 'ova-sigmoid');
    assert.equal(parseObjective(undefined, 1).name, 'custom');
    assert.equal(parseObjective('xentropy', 1).name, 'cross_entropy');
  });

  void it('refuses objectives it cannot apply', () => {
    assert.throws(() => parseObjective('binary', 1), (e: unknown) => e instanceof FormatError && /objective 'binary' needs a sigmoid:<value> greater than zero/.test(e.message));
    assert.throws(() => parseObjective('binary sigmoid:0', 1), /greater than zero/);
    assert.throws(() => parseObjective('multiclass num_class:4', 3), /objective 'multiclass num_class:4' disagrees with num_class=3/);
    assert.throws(() => parseObjective('survival', 1), /unknown objective 'survival'/);
  });
});

void describe('applyLink', () => {
  void it('binary: 1 / (1 + exp(−sigmoid · x)) with the model’s sigmoid', () => {
    assert.deepEqual(linked('binary sigmoid:1', [0]), [0.5]);
    assert.deepEqual(linked('binary sigmoid:2', [0.75]), [1 / (1 + exp(-1.5))]);
    assert.deepEqual(linked('cross_entropy', [-2]), [1 / (1 + exp(2))]);
  });

  void it('multiclass: softmax after subtracting the largest score', () => {
    const [a, b, c] = linked('multiclass num_class:3', [1, 2, 3]);
    const e = [exp(-2), exp(-1), 1];
    const sum = e[0]! + e[1]! + e[2]!;
    assert.deepEqual([a, b, c], [e[0]! / sum, e[1]! / sum, e[2]! / sum]);
    assert.deepEqual(linked('multiclass num_class:2', [1000, 1000]), [0.5, 0.5]);
  });

  void it('multiclassova: a sigmoid per class', () => {
    assert.deepEqual(linked('multiclassova num_class:2 sigmoid:1', [0, 1]), [0.5, 1 / (1 + exp(-1))]);
  });

  void it('log links, sqrt regression, cross_entropy_lambda, identity', () => {
    assert.deepEqual(linked('poisson', [1]), [exp(1)]);
    assert.deepEqual(linked('gamma', [-1]), [exp(-1)]);
    assert.deepEqual(linked('regression sqrt', [-3]), [-9]);
    assert.deepEqual(linked('cross_entropy_lambda', [0]), [Math.log1p(1)]);
    assert.deepEqual(linked('lambdarank', [-3.5]), [-3.5]);
    assert.deepEqual(linked(undefined, [7]), [7]);
  });
});
