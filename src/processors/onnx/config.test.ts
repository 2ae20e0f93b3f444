import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sessionOptions } from './config.js';

void describe('sessionOptions', () => {
  void it('defaults: all graph optimizations, sequential, no runtime log below fatal, threads left to onnxruntime', () => {
    assert.deepEqual(sessionOptions(undefined), { ok: true, options: { graphOptimizationLevel: 'all', executionMode: 'sequential', logSeverityLevel: 4 } });
  });

  void it('maps the model_config options', () => {
    const result = sessionOptions({ intra_op_num_threads: 2, inter_op_num_threads: 1, execution_mode: 'parallel', graph_optimization_level: 'basic', log_level: 'warning' });
    assert.deepEqual(result, {
      ok: true,
      options: { graphOptimizationLevel: 'basic', executionMode: 'parallel', logSeverityLevel: 2, intraOpNumThreads: 2, interOpNumThreads: 1 },
    });
  });

  void it('reports every unknown option and bad value', () => {
    assert.deepEqual(sessionOptions({ intra_op_num_threads: 0, threads: 4, execution_mode: 'fast' }), {
      ok: false,
      problems: [
        'model_config.threads: unknown option (the onnx processor takes intra_op_num_threads, inter_op_num_threads, execution_mode, graph_optimization_level, log_level)',
        'model_config.execution_mode: expected one of "sequential", "parallel", got "fast"',
        'model_config.intra_op_num_threads: expected an integer from 1 to 1024, got 0',
      ],
    });
    assert.equal(sessionOptions('threads=4').ok, false);
  });
});
