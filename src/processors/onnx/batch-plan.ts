// Merging requests along the batch axis (axis 0): which requests can share one model call,
// their inputs concatenated, and each output split back by the rows each request sent. Pure.
import { concatData, type TensorData } from './datatypes.js';
import { isSymbolic, type ModelIO } from './model-io.js';
import type { InferInput, InferRequest } from './v2-request.js';

/** The rows a request contributes: the first dimension all its inputs share; undefined if they differ. */
export function requestRows(request: InferRequest): number | undefined {
  let rows: number | undefined;
  for (const input of request.inputs) {
    const first = input.shape[0];
    if (first === undefined) return undefined;
    if (rows !== undefined && rows !== first) return undefined;
    rows = first;
  }
  return rows;
}

/** Requests with equal keys have the same inputs, datatypes, outputs and dimensions after the first. */
export function mergeKey(request: InferRequest): string {
  const inputs = request.inputs.map((i) => `${i.name}\u0000${i.datatype}\u0000${i.shape.slice(1).join(',')}`);
  const outputs = [...request.outputs].sort();
  return JSON.stringify([inputs, outputs]);
}

/** Whether the model lets this request be merged: axis 0 of every input and of every output it asks for is symbolic. */
function mergeable(request: InferRequest, io: ModelIO): boolean {
  if (requestRows(request) === undefined) return false;
  if (!io.inputs.every((i) => isSymbolic(i.dims[0]))) return false;
  return request.outputs.every((name) => isSymbolic(io.outputs.find((o) => o.name === name)?.dims[0]));
}

/**
 * Groups requests (by index) that can run as one model call, in arrival order of each group's
 * first request. A group of one runs alone.
 */
export function planGroups(requests: readonly InferRequest[], io: ModelIO): number[][] {
  const groups: number[][] = [];
  const byKey = new Map<string, number[]>();
  requests.forEach((request, index) => {
    if (!mergeable(request, io)) {
      groups.push([index]);
      return;
    }
    const key = mergeKey(request);
    const group = byKey.get(key);
    if (group !== undefined) {
      group.push(index);
      return;
    }
    const fresh = [index];
    byKey.set(key, fresh);
    groups.push(fresh);
  });
  return groups;
}

/** The inputs of merged requests, each concatenated along axis 0 (the requests share a merge key). */
export function concatInputs(requests: readonly InferRequest[]): InferInput[] {
  const first = requests[0];
  if (first === undefined) return [];
  return first.inputs.map((input, k) => {
    const parts = requests.map((r) => r.inputs[k]?.data ?? []);
    const rows = requests.reduce((sum, r) => sum + (r.inputs[k]?.shape[0] ?? 0), 0);
    return { name: input.name, datatype: input.datatype, shape: [rows, ...input.shape.slice(1)], data: concatData(input.datatype, parts) };
  });
}

export interface TensorPart {
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/**
 * Cuts an output of a merged call into one part per request, `rows[i]` rows each. Undefined
 * when the output's first dimension is not the total (it does not follow the batch axis).
 */
export function splitRows(output: TensorPart, rows: readonly number[]): TensorPart[] | undefined {
  const total = rows.reduce((a, b) => a + b, 0);
  if (output.shape[0] !== total) return undefined;
  const rowSize = total === 0 ? 0 : output.data.length / total;
  const rest = output.shape.slice(1);
  const parts: TensorPart[] = [];
  let offset = 0;
  for (const n of rows) {
    const start = offset * rowSize;
    const end = (offset + n) * rowSize;
    const data = Array.isArray(output.data) ? output.data.slice(start, end) : output.data.subarray(start, end);
    parts.push({ shape: [n, ...rest], data });
    offset += n;
  }
  return parts;
}
