// The processor thread: imports the processor module, initializes it, then serves calls from
// the main thread. Everything the processor code does runs here, so a slow or stuck processor
// never stops the main thread from answering health checks and enforcing deadlines.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describeType, errorMessage, errorStack } from '../describe.js';
import { checkResult } from '../result.js';
import type { ProcessorContext, ProcessorLogger, RequestInfo } from '../types.js';
import { pickProcessorMethods, type ProcessorMethods } from './exports.js';
import type { FromWorker, LogLevel, ToWorker, WorkerSetup } from './messages.js';
import { transferableCopy } from './transfer.js';

const port = parentPort;
if (port === null) throw new Error('worker-main must run in a worker thread');
const setup = workerData as WorkerSetup;

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port?.postMessage(msg, transfer);
}

function log(level: LogLevel, msg: unknown, extra: unknown): void {
  const text = typeof msg === 'string' ? msg : errorMessage(msg);
  const fields = typeof extra === 'object' && extra !== null ? extra : extra === undefined ? undefined : { extra };
  try {
    post({ t: 'log', level, msg: text, extra: fields });
  } catch {
    // Functions and the like cannot cross threads: keep what JSON keeps of the fields.
    post({ t: 'log', level, msg: text, extra: jsonSafe(fields) });
  }
}

function jsonSafe(fields: object | undefined): object {
  try {
    const copy: unknown = JSON.parse(JSON.stringify(fields) ?? '{}');
    return typeof copy === 'object' && copy !== null ? copy : { extra: copy };
  } catch {
    return { extra: '[unserializable]' };
  }
}

const logger: ProcessorLogger = {
  debug: (msg, extra) => log('debug', msg, extra),
  info: (msg, extra) => log('info', msg, extra),
  warn: (msg, extra) => log('warn', msg, extra),
  error: (msg, extra) => log('error', msg, extra),
};

const ctx: ProcessorContext = { ...setup.context, logger };
let methods: ProcessorMethods | undefined;

// A forgotten promise in user code must not take the thread (and every request in it) down.
process.on('unhandledRejection', (reason) => {
  log('error', `unhandled promise rejection in the processor: ${errorMessage(reason)}`, { stack: errorStack(reason) });
});

function fail(id: number, e: unknown): void {
  post({ t: 'failure', id, reason: errorMessage(e), stack: errorStack(e) });
}

function reply(id: number, value: unknown): void {
  let check;
  try {
    check = checkResult(value);
  } catch (e) {
    // A result object with throwing getters (or a Proxy) lands here.
    post({ t: 'failure', id, reason: `invalid processor result: reading it threw: ${errorMessage(e)}`, stack: errorStack(e) });
    return;
  }
  if (!check.ok) {
    post({ t: 'failure', id, reason: check.reason, stack: undefined });
    return;
  }
  const body = transferableCopy(check.body);
  post({ t: 'result', id, status: check.status, headers: check.headers, body }, [body]);
}

function isPromise(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function call(id: number, body: ArrayBuffer, request: RequestInfo): void {
  if (methods === undefined) {
    fail(id, new Error('the processor is not initialized'));
    return;
  }
  try {
    const out = methods.process.call(methods.self, Buffer.from(body), { ...ctx, request });
    if (isPromise(out)) {
      Promise.resolve(out).then(
        (v) => reply(id, v),
        (e: unknown) => fail(id, e),
      );
    } else {
      reply(id, out);
    }
  } catch (e) {
    fail(id, e);
  }
}

/** processBatch(bodies, ctx) answers with an array holding one result (or Error) per body, in order. */
function batch(ids: number[], bodies: ArrayBuffer[], requests: RequestInfo[]): void {
  const processBatch = methods?.processBatch;
  if (methods === undefined || processBatch === undefined) {
    ids.forEach((id, i) => call(id, bodies[i] ?? new ArrayBuffer(0), requests[i] as RequestInfo));
    return;
  }
  const spread = (value: unknown): void => {
    if (!Array.isArray(value) || value.length !== ids.length) {
      const got = Array.isArray(value) ? `${value.length} results` : describeType(value);
      for (const id of ids) fail(id, new Error(`processBatch must return an array of ${ids.length} results, one per request, got ${got}`));
      return;
    }
    ids.forEach((id, i) => {
      const item: unknown = value[i];
      if (item instanceof Error) fail(id, item);
      else reply(id, item);
    });
  };
  try {
    const out = processBatch.call(methods.self, bodies.map((b) => Buffer.from(b)), { ...ctx, requests });
    if (isPromise(out)) {
      Promise.resolve(out).then(spread, (e: unknown) => {
        for (const id of ids) fail(id, e);
      });
    } else {
      spread(out);
    }
  } catch (e) {
    for (const id of ids) fail(id, e);
  }
}

async function closeProcessor(): Promise<void> {
  let error: string | undefined;
  try {
    if (methods?.close !== undefined) await methods.close.call(methods.self);
  } catch (e) {
    error = errorMessage(e);
  }
  post({ t: 'closed', error });
}

port.on('message', (msg: ToWorker) => {
  switch (msg.t) {
    case 'call':
      call(msg.id, msg.body, msg.request);
      break;
    case 'batch':
      batch(msg.ids, msg.bodies, msg.requests);
      break;
    case 'ping':
      post({ t: 'pong', seq: msg.seq });
      break;
    case 'close':
      void closeProcessor();
      break;
  }
});

async function start(): Promise<void> {
  let namespace: unknown;
  try {
    namespace = await import(pathToFileURL(setup.modulePath).href);
  } catch (e) {
    // Keep the error's class: "SyntaxError: ..." says more than the bare message.
    const name = e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : '';
    post({ t: 'start-failed', phase: 'load', message: name + errorMessage(e), stack: errorStack(e) });
    return;
  }
  let picked: ProcessorMethods | string;
  try {
    picked = pickProcessorMethods(namespace);
  } catch (e) {
    picked = `reading its exports threw: ${errorMessage(e)}`;
  }
  if (typeof picked === 'string') {
    post({ t: 'start-failed', phase: 'load', message: picked, stack: undefined });
    return;
  }
  try {
    if (picked.initialize !== undefined) await picked.initialize.call(picked.self, ctx);
  } catch (e) {
    post({ t: 'start-failed', phase: 'initialize', message: errorMessage(e), stack: errorStack(e) });
    return;
  }
  methods = picked;
  post({ t: 'ready' });
}

void start();
