// The contract a custom JavaScript processor implements. A processor module exports
// `process` (required) and optionally `initialize`, `processBatch` and `close`, as named exports or as
// methods of its default export. See docs/guides/custom-processors.md.

/** Writes JSON log lines into the instance log, tagged with the service and instance. */
export interface ProcessorLogger {
  debug(msg: string, extra?: object): void;
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

export interface ProcessorContext {
  service: string;
  instance: string;
  version: number;
  /** The instance folder: the working directory and scratch space. */
  dir: string;
  /** `model_path` as a local path (`file://` stripped); undefined when the spec has none. */
  modelPath: string | undefined;
  modelEntry: string | undefined;
  /** `model_config` as given in the spec (an object or a string). */
  config: unknown;
  logger: ProcessorLogger;
}

/** The HTTP request as the instance received it (the gateway strips `/api/predict/<service>`). */
export interface RequestInfo {
  method: string;
  /** The path without the query string, e.g. `/` or `/v1/score`. */
  path: string;
  /** The query string without the leading `?`; empty when there is none. */
  query: string;
  /** Lower-case header names; repeated headers are joined with ", ". */
  headers: Record<string, string>;
}

export interface ProcessResult {
  body: Buffer | Uint8Array | string;
  /** An integer from 200 to 599; default 200. */
  status?: number;
  /** Default content-type: `application/octet-stream` for bytes, `text/plain; charset=utf-8` for strings. */
  headers?: Record<string, string>;
}

export interface Processor {
  initialize?(ctx: ProcessorContext): void | Promise<void>;
  process(body: Buffer, ctx: ProcessorContext & { request: RequestInfo }): ProcessResult | Promise<ProcessResult>;
  /**
   * Optional, used with metadata.rpc.batching: the bodies of requests the host merged, answered
   * with one result per body in the same order. An Error in the array fails that request alone.
   */
  processBatch?(bodies: Buffer[], ctx: ProcessorContext & { requests: RequestInfo[] }): (ProcessResult | Error)[] | Promise<(ProcessResult | Error)[]>;
  close?(): void | Promise<void>;
}
