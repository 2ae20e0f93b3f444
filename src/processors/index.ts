// Processors: the contract custom processors implement, the built-ins, and the runners the
// instance host drives.
export type { ProcessorLogger, ProcessorContext, RequestInfo, ProcessResult, Processor } from './types.js';
export type { ProcessorJob, ProcessorOutcome, ProcessorRunner, RunnerHooks, RunnerLogger } from './runner.js';
export type { WorkerRunnerTiming } from './js/worker-runner.js';
export { ProcessorStartError } from './runner.js';
export { availableProcessors, openProcessor, type OpenProcessorOptions } from './open.js';
export { isModelProcessor, modelConfigProblems, MODEL_CONFIG_KEYS, MODEL_PROCESSORS, type ModelProcessor } from './builtin.js';
