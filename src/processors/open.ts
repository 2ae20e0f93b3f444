// Picks and builds the runner for an instance's processor.
import { fileURLToPath } from 'node:url';
import type { InstanceConfig } from '../contract/instance.js';
import type { ServiceKind } from '../contract/resolve.js';
import { EchoRunner } from './echo.js';
import { ProcessorStartError, type ProcessorRunner, type RunnerHooks } from './runner.js';
import type { WorkerRunnerTiming } from './js/worker-runner.js';

/** Built-in processors this build implements; the others in the spec schema come later. */
const AVAILABLE = ['echo'] as const;

export function availableProcessors(): string[] {
  return [...AVAILABLE];
}

export interface OpenProcessorOptions {
  hooks: RunnerHooks;
  /** Heartbeat and hang-detection timing of custom processors (tests shorten it). */
  timing?: Partial<WorkerRunnerTiming>;
}

/** model_path as a local path for the processor: file:// stripped; http(s) URLs are not fetched here. */
function localModelPath(modelPath: string | undefined, hooks: RunnerHooks): string | undefined {
  if (modelPath === undefined) return undefined;
  if (/^file:\/\//i.test(modelPath)) {
    try {
      return fileURLToPath(modelPath);
    } catch (e) {
      hooks.logger.warn({ modelPath, err: e instanceof Error ? e.message : String(e) }, 'model_path is not a usable file:// URL: ctx.modelPath is undefined');
      return undefined;
    }
  }
  if (/^https?:\/\//i.test(modelPath)) {
    hooks.logger.warn({ modelPath }, 'model_path is a URL, which the instance host does not download: ctx.modelPath is undefined');
    return undefined;
  }
  return modelPath;
}

/**
 * The runner for `kind` (from resolveSpec). Rejects with a ProcessorStartError when the
 * processor is not available or its module cannot be found; loading and initializing happen
 * in runner.start().
 */
export async function openProcessor(config: InstanceConfig, kind: ServiceKind, opts: OpenProcessorOptions): Promise<ProcessorRunner> {
  if (kind.kind === 'builtin') {
    if (kind.processor === 'echo') return new EchoRunner();
    throw ProcessorStartError.load(kind.processor, `the built-in processor "${kind.processor}" is not available in this build (available: ${AVAILABLE.join(', ')})`);
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
      modelPath: localModelPath(spec.model_path, opts.hooks),
      modelEntry: spec.model_entry,
      config: spec.model_config,
    },
  };
  return new WorkerRunner(setup, opts.hooks, opts.timing);
}
