import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableProcessors } from './index.js';

void describe('availableProcessors', () => {
  void it('lists the built-ins this build implements', () => {
    assert.deepEqual(availableProcessors(), ['echo', 'xgboost', 'lightgbm', 'pmml', 'onnx']);
  });

  void it('returns a copy the caller may change', () => {
    availableProcessors().push('tensorflow');
    assert.deepEqual(availableProcessors(), ['echo', 'xgboost', 'lightgbm', 'pmml', 'onnx']);
  });
});
