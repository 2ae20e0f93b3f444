// model_config of an onnx service → onnxruntime session options. Unknown keys and bad values
// are rejected, all at once, rather than ignored.
import { describeValue } from './problems.js';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';
export type ExecutionMode = 'sequential' | 'parallel';
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** The session options this processor sets (a subset of onnxruntime's SessionOptions, same names). */
export interface OnnxSessionOptions {
  /** @default 'all' */
  graphOptimizationLevel: GraphOptimizationLevel;
  /** Threads one operator may use; undefined lets onnxruntime decide (one per physical core). */
  intraOpNumThreads?: number;
  /** Threads running independent operators at once (execution_mode "parallel" only); undefined lets onnxruntime decide. */
  interOpNumThreads?: number;
  /** @default 'sequential' */
  executionMode: ExecutionMode;
  /**
   * 0 verbose … 4 fatal. @default 4 (fatal): onnxruntime writes its log to stderr, unstructured,
   * and every error it would log there also reaches the instance log as the reason of a failure.
   */
  logSeverityLevel: 0 | 1 | 2 | 3 | 4;
}

const LOG_LEVELS: readonly LogLevel[] = ['verbose', 'info', 'warning', 'error', 'fatal'];
const OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];
const EXECUTION_MODES: readonly ExecutionMode[] = ['sequential', 'parallel'];
const KEYS = ['intra_op_num_threads', 'inter_op_num_threads', 'execution_mode', 'graph_optimization_level', 'log_level'];
const MAX_THREADS = 1024;

export type ConfigResult = { ok: true; options: OnnxSessionOptions } | { ok: false; problems: string[] };

function threads(v: unknown, key: string, problems: string[]): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_THREADS) return v;
  problems.push(`model_config.${key}: expected an integer from 1 to ${MAX_THREADS}, got ${describeValue(v)}`);
  return undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T, key: string, problems: string[]): T {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push(`model_config.${key}: expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describeValue(v)}`);
  return fallback;
}

/** Reads model_config (absent, or an object). */
export function sessionOptions(modelConfig: unknown): ConfigResult {
  if (modelConfig === undefined || modelConfig === null) return { ok: true, options: { graphOptimizationLevel: 'all', executionMode: 'sequential', logSeverityLevel: 4 } };
  if (typeof modelConfig !== 'object' || Array.isArray(modelConfig)) {
    return { ok: false, problems: [`model_config: expected an object with ${KEYS.join(', ')}, got ${describeValue(modelConfig)}`] };
  }
  const config = modelConfig as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key)) problems.push(`model_config.${key}: unknown option (the onnx processor takes ${KEYS.join(', ')})`);
  }
  const options: OnnxSessionOptions = {
    graphOptimizationLevel: oneOf(config['graph_optimization_level'], OPTIMIZATION_LEVELS, 'all', 'graph_optimization_level', problems),
    executionMode: oneOf(config['execution_mode'], EXECUTION_MODES, 'sequential', 'execution_mode', problems),
    logSeverityLevel: LOG_LEVELS.indexOf(oneOf(config['log_level'], LOG_LEVELS, 'fatal', 'log_level', problems)) as 0 | 1 | 2 | 3 | 4,
  };
  const intra = threads(config['intra_op_num_threads'], 'intra_op_num_threads', problems);
  const inter = threads(config['inter_op_num_threads'], 'inter_op_num_threads', problems);
  if (intra !== undefined) options.intraOpNumThreads = intra;
  if (inter !== undefined) options.interOpNumThreads = inter;
  return problems.length === 0 ? { ok: true, options } : { ok: false, problems };
}
