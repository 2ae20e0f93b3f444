// The built-in model processors: which model format each reads, and how its runner is made.
// Evaluators load on demand, so an echo instance never pays for onnxruntime or the PMML code.
import { isRecord } from '../contract/json.js';
import { sessionOptions } from './onnx/config.js';
import type { OnnxRunnerOptions } from './onnx/index.js';
import type { ProcessorRunner } from './runner.js';
import type { TabularLoader } from './tabular/runner.js';

export const MODEL_PROCESSORS = ['xgboost', 'lightgbm', 'pmml', 'onnx'] as const;
export type ModelProcessor = (typeof MODEL_PROCESSORS)[number];

export function isModelProcessor(name: string): name is ModelProcessor {
  return (MODEL_PROCESSORS as readonly string[]).includes(name);
}

/** model_config keys each built-in processor reads, with the form each takes. */
export const MODEL_CONFIG_KEYS: Record<ModelProcessor, Record<string, string>> = {
  xgboost: { iteration_end: 'an integer ≥ 1: score with boosting rounds [0, iteration_end) only (default: best_iteration + 1 when the model has one, else every round)' },
  lightgbm: { num_iteration: 'an integer ≥ 1: score with the first N iterations only (default: every iteration in the file)' },
  pmml: {},
  onnx: {
    intra_op_num_threads: 'an integer from 1 to 1024: threads onnxruntime uses inside one operator',
    inter_op_num_threads: 'an integer from 1 to 1024: threads running independent operators at once (execution_mode "parallel")',
    execution_mode: '"sequential" (default) or "parallel"',
    graph_optimization_level: '"disabled", "basic", "extended" or "all" (default)',
    log_level: 'onnxruntime\'s own log on stderr: "verbose", "info", "warning", "error" or "fatal" (default)',
  },
};

/** Problems with model_config for a built-in processor, as [field path, message]. */
export function modelConfigProblems(processor: ModelProcessor, config: unknown): [string, string][] {
  if (config === undefined) return [];
  if (processor === 'onnx') {
    const checked = sessionOptions(config);
    if (checked.ok) return [];
    return checked.problems.map((p) => {
      const colon = p.indexOf(': ');
      return colon < 0 ? ['model_config', p] : [p.slice(0, colon), p.slice(colon + 2)];
    });
  }
  const keys = MODEL_CONFIG_KEYS[processor];
  const known = Object.keys(keys);
  if (!isRecord(config)) return [['model_config', `the ${processor} processor takes an object${known.length === 0 ? ' (it reads no keys)' : ` with ${known.join(', ')}`}`]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(config)) {
    if (!(k in keys)) {
      out.push([`model_config.${k}`, `unknown option for the ${processor} processor${known.length === 0 ? ' (it reads none)' : ` (known: ${known.join(', ')})`}`]);
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      out.push([`model_config.${k}`, `must be ${keys[k] ?? 'valid'}`]);
    }
  }
  return out;
}

function intOption(config: unknown, key: string): number | undefined {
  const v = isRecord(config) ? config[key] : undefined;
  return typeof v === 'number' ? v : undefined;
}

export async function tabularLoader(processor: Exclude<ModelProcessor, 'onnx'>, config: unknown): Promise<TabularLoader> {
  switch (processor) {
    case 'xgboost': {
      const { loadXgboostModel } = await import('./xgboost/index.js');
      const n = intOption(config, 'iteration_end');
      return (bytes, file) => loadXgboostModel(bytes, file, n === undefined ? {} : { iterationEnd: n });
    }
    case 'lightgbm': {
      const { loadLightgbmModel } = await import('./lightgbm/index.js');
      const n = intOption(config, 'num_iteration');
      return (bytes, file) => loadLightgbmModel(bytes, file, n === undefined ? {} : { numIteration: n });
    }
    case 'pmml': {
      const { loadPmmlModel } = await import('./pmml/index.js');
      return (bytes, file) => loadPmmlModel(bytes, file);
    }
  }
}

export async function onnxRunner(opts: OnnxRunnerOptions): Promise<ProcessorRunner> {
  const { createOnnxRunner } = await import('./onnx/index.js');
  return createOnnxRunner(opts);
}
