// The thread that holds the onnxruntime session (see messages.ts for why it is a thread).
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../describe.js';
import { transferableCopy } from '../js/transfer.js';
import { OnnxEngine } from './engine.js';
import type { FromOnnxThread, OnnxThreadSetup, ToOnnxThread, WireOutcome } from './messages.js';
import type { EngineOutcome } from './responses.js';

const port = parentPort;
if (port === null) throw new Error('worker-main.js runs as a worker thread only');
const setup = workerData as OnnxThreadSetup;

function post(msg: FromOnnxThread, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

function toWire(outcome: EngineOutcome): WireOutcome {
  return 'failed' in outcome ? outcome : { status: outcome.status, body: transferableCopy(outcome.body) };
}

async function serve(engine: OnnxEngine, ids: number[], bodies: ArrayBuffer[]): Promise<void> {
  let outcomes: WireOutcome[];
  try {
    outcomes = (await engine.inferMany(bodies.map((b) => new Uint8Array(b)))).map(toWire);
  } catch (e) {
    // inferMany reports bad input and runtime failures as outcomes; this is a bug of ours.
    outcomes = ids.map(() => ({ failed: `internal error in the onnx processor: ${errorMessage(e)}` }));
  }
  const transfer = outcomes.flatMap((o) => ('body' in o ? [o.body] : []));
  post({ t: 'outcomes', ids, outcomes }, transfer);
}

async function close(engine: OnnxEngine): Promise<void> {
  let error: string | undefined;
  try {
    await engine.release();
  } catch (e) {
    error = errorMessage(e);
  }
  post({ t: 'closed', error });
}

async function main(): Promise<void> {
  let engine: OnnxEngine;
  try {
    engine = await OnnxEngine.load(setup.modelFile, setup.options, setup.modelName);
  } catch (e) {
    post({ t: 'start-failed', reason: errorMessage(e) });
    return;
  }
  port?.on('message', (msg: ToOnnxThread) => {
    if (msg.t === 'infer') void serve(engine, msg.ids, msg.bodies);
    else void close(engine);
  });
  post({ t: 'ready', io: engine.io });
}

void main();
