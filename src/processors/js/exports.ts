// Finds process / processBatch / initialize / close on an imported processor module.
import { describeType } from '../describe.js';

type Method = (...args: unknown[]) => unknown;

/** The processor's methods, each to be called with `self` as `this` (a default-exported class instance keeps working). */
export interface ProcessorMethods {
  self: object;
  process: Method;
  /** Optional: takes the bodies of a merged batch and returns one result per body. */
  processBatch: Method | undefined;
  initialize: Method | undefined;
  close: Method | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/**
 * Named exports win; otherwise the default export (an object, class instance or CommonJS
 * `module.exports`) must carry them. Returns a reason string when the module is not a processor.
 */
export function pickProcessorMethods(namespace: unknown): ProcessorMethods | string {
  if (!isObject(namespace)) return `the module evaluated to ${describeType(namespace)}`;
  const fallback = namespace.default;
  let self: Record<string, unknown>;
  if (typeof namespace.process === 'function') self = namespace;
  else if (isObject(fallback) && typeof fallback.process === 'function') self = fallback;
  else {
    const found = namespace.process !== undefined ? `process is ${describeType(namespace.process)}` : 'no process export';
    return `it must export a process(body, ctx) function, as a named export or on the default export (found ${found})`;
  }
  const optional = (name: 'initialize' | 'close' | 'processBatch'): Method | string | undefined => {
    const v = self[name];
    if (v === undefined) return undefined;
    return typeof v === 'function' ? (v as Method) : `${name} must be a function, got ${describeType(v)}`;
  };
  const initialize = optional('initialize');
  if (typeof initialize === 'string') return initialize;
  const close = optional('close');
  if (typeof close === 'string') return close;
  const processBatch = optional('processBatch');
  if (typeof processBatch === 'string') return processBatch;
  return { self, process: self.process as Method, processBatch, initialize, close };
}
