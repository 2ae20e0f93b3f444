// Picks and builds the runner for an instance's processor.
import { join } from 'node:path';
import type { InstanceConfig } from '../contract/instance.js';
import type { ResolvedSpec, ServiceKind } from '../contract/resolve.js';
import { isModelProcessor, MODEL_PROCESSORS, onnxRunner, tabularLoader, type ModelProcessor } from './builtin.js';
import { locateModelFile } from './model-file.js';
import { localModelPath } from './model-source.js';
import { TabularRunner } from './tabular/runner.js';
import { EchoRunner } from './echo.js';
import { ProcessorStartError, type ProcessorRunner, type RunnerHooks } from './runner.js';
import type { WorkerRunnerTiming } from './js/worker-runner.js';

/** Built-in processors this build implements. */
const AVAILABLE = ['echo', ...MODEL_PROCESSORS] as const;

export function availableProcessors(): string[] {
  return [...AVAILABLE];
}

export interface OpenProcessorOptions {
  hooks: RunnerHooks;
  /** Heartbeat and hang-detection timing of custom processors (tests shorten it). */
  timing?: Partial<WorkerRunnerTiming>;
  /** rpc.batching as the host resolved it: model processors show it in their signature. */
  batching?: ResolvedSpec['batching'];
}

/** Where http(s) models are kept when the config does not say (older instance.json files). */
function modelsDirOf(config: InstanceConfig): string {
  return config.modelsDir ?? join(config.dir, 'models');
}

async function openModelProcessor(config: InstanceConfig, processor: ModelProcessor, opts: OpenProcessorOptions): Promise<ProcessorRunner> {
  const spec = config.spec;
  const local = spec.model_path === undefined ? undefined : await localModelPath(spec.model_path, { modelsDir: modelsDirOf(config) });
  const modelFile = await locateModelFile(local, spec.model_entry, processor);
  const logger = opts.hooks.logger;
  const batching = opts.batching;
  if (processor === 'onnx') {
    const onFatal = (e: Error): void => opts.hooks.onFatal(e);
    return onnxRunner({ service: config.service, modelFile, modelConfig: spec.model_config, logger, onFatal, ...(batching === undefined ? {} : { batching }) });
  }
  const load = await tabularLoader(processor, spec.model_config);
  return new TabularRunner({ processor, modelFile, load, logger, batching });
}

/**
 * The runner for `kind` (from resolveSpec). Rejects with a ProcessorStartError when the
 * processor is not available, its module cannot be found, or its model file cannot be fetched
 * or found; loading and initializing happen in runner.start().
 */
export async function openProcessor(config: InstanceConfig, kind: ServiceKind, opts: OpenProcessorOptions): Promise<ProcessorRunner> {
  if (kind.kind === 'builtin') {
    const name: string = kind.processor;
    if (name === 'echo') return new EchoRunner();
    if (isModelProcessor(name)) return openModelProcessor(config, name, opts);
    throw ProcessorStartError.load(name, `the built-in processor "${name}" is not available in this build (available: ${AVAILABLE.join(', ')})`);
  }
  if (kind.kind === 'container') {
    throw ProcessorStartError.load('(containers)', 'a container service runs its own program, not an instance host');
  }
  // Loaded on demand: echo instances never pay for the worker machinery.
  const [{ resolveProcessorModule }, { WorkerRunner }] = await Promise.all([import('./js/resolve-module.js'), import('./js/worker-runner.js')]);
  const modulePath = await resolveProcessorModule(kind.processorPath, kind.processorEntry);
  const spec = config.spec;
  const setup = {
    modulePath,
    context: {
      service: config.service,
      instance: config.instance,
      version: config.version,
      dir: config.dir,
      modelPath: spec.model_path === undefined ? undefined : await localModelPath(spec.model_path, { modelsDir: modelsDirOf(config) }),
      modelEntry: spec.model_entry,
      config: spec.model_config,
    },
  };
  return new WorkerRunner(setup, opts.hooks, opts.timing);
}
