// One onnxruntime session and the requests it answers: parse and check each request, merge
// those that can share a call along the batch axis, run, and split the outputs back. A bad
// request gets its 400 alone; a runtime failure in a merged call is retried request by request
// so that only the request that causes it fails.
import * as ort from 'onnxruntime-node';
import { errorMessage } from '../describe.js';
import { concatInputs, planGroups, requestRows, splitRows } from './batch-plan.js';
import type { OnnxSessionOptions } from './config.js';
import { ortElementType, v2Datatype } from './datatypes.js';
import { modelIO, unservableInputs, type ModelIO } from './model-io.js';
import { badInput, inferResponse, type EngineOutcome, type OutputTensor } from './responses.js';
import { parseInferRequest, type InferInput, type InferRequest } from './v2-request.js';

type RunResult = { ok: true; outputs: OutputTensor[] } | { ok: false; reason: string };

export class OnnxEngine {
  readonly io: ModelIO;
  readonly #session: ort.InferenceSession;
  readonly #modelName: string;

  private constructor(session: ort.InferenceSession, io: ModelIO, modelName: string) {
    this.#session = session;
    this.io = io;
    this.#modelName = modelName;
  }

  /**
   * Loads the model file. Throws an Error whose message is the reason (onnxruntime's own, or
   * an input no request could feed); the caller adds the file name.
   */
  static async load(file: string, options: OnnxSessionOptions, modelName: string): Promise<OnnxEngine> {
    const session = await ort.InferenceSession.create(file, { ...options });
    const io = modelIO(session.inputMetadata, session.outputMetadata);
    const unservable = unservableInputs(io);
    if (unservable.length > 0) {
      await session.release();
      throw new Error(`the onnx processor cannot feed ${unservable.join('; ')}`);
    }
    return new OnnxEngine(session, io, modelName);
  }

  /** Answers one inference request body. */
  async infer(body: Uint8Array): Promise<EngineOutcome> {
    const [outcome] = await this.inferMany([body]);
    return outcome ?? { failed: 'no outcome' };
  }

  /** Answers several request bodies, merging those that fit together; one outcome per body, in order. */
  async inferMany(bodies: readonly Uint8Array[]): Promise<EngineOutcome[]> {
    const outcomes = new Array<EngineOutcome | undefined>(bodies.length);
    const good: { index: number; request: InferRequest }[] = [];
    bodies.forEach((body, index) => {
      const parsed = parseInferRequest(body, this.io);
      if (parsed.ok) good.push({ index, request: parsed.request });
      else outcomes[index] = badInput(parsed.problems);
    });
    for (const group of planGroups(good.map((g) => g.request), this.io)) {
      const members = group.flatMap((k) => good[k] ?? []);
      const results = await this.#runGroup(members.map((m) => m.request));
      members.forEach((m, k) => {
        outcomes[m.index] = results[k];
      });
    }
    return outcomes.map((o) => o ?? { failed: 'no outcome' });
  }

  async release(): Promise<void> {
    await this.#session.release();
  }

  async #runGroup(requests: readonly InferRequest[]): Promise<EngineOutcome[]> {
    const only = requests[0];
    if (requests.length === 1 && only !== undefined) return [await this.#runAlone(only)];
    const rows = requests.map((r) => requestRows(r) ?? 0);
    const merged = await this.#run(concatInputs(requests), only?.outputs ?? []);
    if (merged.ok) {
      const parts = merged.outputs.map((o) => splitRows(o, rows));
      if (parts.every((p) => p !== undefined)) {
        return requests.map((r, k) => {
          const mine = new Map<string, OutputTensor>();
          merged.outputs.forEach((o, j) => {
            const part = parts[j]?.[k];
            if (part !== undefined) mine.set(o.name, { name: o.name, datatype: o.datatype, shape: part.shape, data: part.data });
          });
          // Requests in a group ask for the same outputs, maybe in another order: each gets its own.
          return inferResponse(this.#modelName, r.id, r.outputs.flatMap((name) => mine.get(name) ?? []));
        });
      }
    }
    // The outputs do not follow the batch axis, or one request broke the call: run them one by one.
    const alone: EngineOutcome[] = [];
    for (const r of requests) alone.push(await this.#runAlone(r));
    return alone;
  }

  async #runAlone(request: InferRequest): Promise<EngineOutcome> {
    const result = await this.#run(request.inputs, request.outputs);
    if (!result.ok) return { failed: result.reason };
    return inferResponse(this.#modelName, request.id, result.outputs);
  }

  async #run(inputs: readonly InferInput[], outputs: readonly string[]): Promise<RunResult> {
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of inputs) feeds[input.name] = new ort.Tensor(ortElementType(input.datatype), input.data, input.shape);
      const results = await this.#session.run(feeds, outputs);
      return {
        ok: true,
        outputs: outputs.map((name) => {
          const value = results[name];
          if (!(value instanceof ort.Tensor)) throw new Error(`output "${name}" is not a tensor`);
          const datatype = v2Datatype(value.type);
          if (datatype === undefined) throw new Error(`output "${name}" has element type ${value.type}, which has no V2 datatype`);
          return { name, datatype, shape: [...value.dims], data: value.data };
        }),
      };
    } catch (e) {
      return { ok: false, reason: `onnxruntime: ${errorMessage(e)}` };
    }
  }
}
