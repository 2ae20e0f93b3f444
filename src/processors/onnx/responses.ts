// Response bodies: the V2 inference response, and errors from the catalogue as
// `{code, message, details?}` with their HTTP status.
import { EaselError, Errors } from '../../contract/errors.js';
import type { V2Datatype } from './datatypes.js';
import type { TensorPart } from './batch-plan.js';
import type { Problems } from './problems.js';
import { ENDPOINTS } from './routes.js';
import { toJsonValues } from './tensors.js';

/** What the model thread answers for one request: a JSON body with its status, or a runtime failure (500). */
export type EngineOutcome = { status: number; body: string } | { failed: string };

export function jsonBody(status: number, doc: unknown): EngineOutcome {
  return { status, body: JSON.stringify(doc) };
}

export function errorBody(err: EaselError): EngineOutcome {
  return jsonBody(err.status, err.toBody());
}

/** 400 EASEL_BAD_INPUT listing every problem, also as `details.problems` (`path: message` each). */
export function badInput(problems: Problems): EngineOutcome {
  const details = { problems: problems.list.map((p) => ({ path: p.path, message: p.message })) };
  return errorBody(new EaselError(Errors.BadInput, { reason: problems.summary() }, details));
}

/** 400 for a request of the V2 binary tensor data extension. */
export function binaryRefused(): EngineOutcome {
  const reason = 'the V2 binary tensor data extension (Inference-Header-Content-Length) is not supported: send the tensors as JSON "data"';
  return errorBody(new EaselError(Errors.BadInput, { reason }));
}

/** 404 EASEL_ROUTE_NOT_FOUND naming the path and the endpoints there are. */
export function notFound(method: string, path: string): EngineOutcome {
  return errorBody(new EaselError(Errors.RouteNotFound, { method, url: path }, { endpoints: ENDPOINTS }));
}

export interface OutputTensor extends TensorPart {
  readonly name: string;
  readonly datatype: V2Datatype;
}

/** The V2 inference response; `data` flat and row-major. */
export function inferResponse(modelName: string, id: string | undefined, outputs: readonly OutputTensor[]): EngineOutcome {
  const doc = {
    model_name: modelName,
    ...(id === undefined ? {} : { id }),
    outputs: outputs.map((o) => ({ name: o.name, shape: o.shape, datatype: o.datatype, data: toJsonValues(o.data, o.datatype) })),
  };
  return jsonBody(200, doc);
}
