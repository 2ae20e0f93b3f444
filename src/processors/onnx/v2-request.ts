// Parsing and checking a V2 (Open Inference Protocol / KServe v2) inference request against the
// model: every problem is collected with its JSON path, and a request that passes holds typed
// arrays ready to become tensors. Pure: no onnxruntime here.
import { isV2Datatype, V2_DATATYPES, type TensorData, type V2Datatype } from './datatypes.js';
import { defaultOutputs, type ModelIO, type TensorSpec } from './model-io.js';
import { describeValue, Problems } from './problems.js';
import { elementPath, encodeElements, flattenData, formatShape } from './tensors.js';

export interface InferInput {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export interface InferRequest {
  /** Echoed in the response. */
  readonly id: string | undefined;
  /** One per model input, in the model's input order. */
  readonly inputs: readonly InferInput[];
  /** The outputs to return, in the order the response lists them. */
  readonly outputs: readonly string[];
}

export type ParsedRequest = { ok: true; request: InferRequest } | { ok: false; problems: Problems };

const REQUEST_FIELDS = ['id', 'parameters', 'inputs', 'outputs'];
const INPUT_FIELDS = ['name', 'shape', 'datatype', 'data', 'parameters'];
const OUTPUT_FIELDS = ['name', 'parameters'];
const EXAMPLE = '{"inputs": [{"name", "shape", "datatype", "data"}]}';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nameList(specs: readonly TensorSpec[]): string {
  return specs.map((s) => JSON.stringify(s.name)).join(', ');
}

function checkFields(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.add(path === '' ? key : `${path}.${key}`, `unknown field (expected ${allowed.join(', ')})`);
  }
}

/** Parses the body of POST / or POST /v2/models/<name>/infer. */
export function parseInferRequest(body: Uint8Array, io: ModelIO): ParsedRequest {
  const problems = new Problems();
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.trim() === '') {
    problems.add('', `the request body is empty: send a V2 inference request ${EXAMPLE}`);
    return { ok: false, problems };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.add('', `the request body is not JSON (${e instanceof Error ? e.message : String(e)}): send a V2 inference request ${EXAMPLE}`);
    return { ok: false, problems };
  }
  if (!isObject(json)) {
    problems.add('', `expected a JSON object ${EXAMPLE}, got ${describeValue(json)}`);
    return { ok: false, problems };
  }
  checkFields(json, REQUEST_FIELDS, '', problems);
  const id = json['id'];
  if (id !== undefined && typeof id !== 'string') problems.add('id', `expected a string, got ${describeValue(id)}`);
  const parameters = json['parameters'];
  if (parameters !== undefined && !isObject(parameters)) problems.add('parameters', `expected an object, got ${describeValue(parameters)}`);
  const inputs = parseInputs(json['inputs'], io, problems);
  const outputs = parseOutputs(json['outputs'], io, problems);
  if (!problems.empty || inputs === undefined || outputs === undefined) return { ok: false, problems };
  return { ok: true, request: { id: typeof id === 'string' ? id : undefined, inputs, outputs } };
}

function parseInputs(value: unknown, io: ModelIO, problems: Problems): InferInput[] | undefined {
  if (value === undefined) {
    problems.add('inputs', `missing (the model's inputs: ${nameList(io.inputs)})`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    problems.add('inputs', `expected an array of {"name", "shape", "datatype", "data"}, got ${describeValue(value)}`);
    return undefined;
  }
  const byName = new Map<string, { input: InferInput | undefined; index: number }>();
  for (let i = 0; i < value.length; i++) {
    const path = `inputs[${i}]`;
    const item: unknown = value[i];
    if (!isObject(item)) {
      problems.add(path, `expected an object {"name", "shape", "datatype", "data"}, got ${describeValue(item)}`);
      continue;
    }
    const name = item['name'];
    if (typeof name !== 'string') {
      problems.add(`${path}.name`, name === undefined ? 'missing' : `expected a string, got ${describeValue(name)}`);
      continue;
    }
    const spec = io.inputs.find((s) => s.name === name);
    if (spec === undefined) {
      problems.add(`${path}.name`, `unknown input ${JSON.stringify(name)} (the model's inputs: ${nameList(io.inputs)})`);
      continue;
    }
    const seen = byName.get(name);
    if (seen !== undefined) {
      problems.add(`${path}.name`, `input ${JSON.stringify(name)} is given twice (also inputs[${seen.index}])`);
      continue;
    }
    byName.set(name, { input: parseInput(item, spec, path, problems), index: i });
  }
  const missing = io.inputs.filter((s) => !byName.has(s.name));
  if (missing.length > 0) problems.add('inputs', `missing input(s) ${nameList(missing)} (the model's inputs: ${nameList(io.inputs)})`);
  const ordered: InferInput[] = [];
  for (const spec of io.inputs) {
    const input = byName.get(spec.name)?.input;
    if (input === undefined) return undefined;
    ordered.push(input);
  }
  return ordered;
}

function parseInput(item: Record<string, unknown>, spec: TensorSpec, path: string, problems: Problems): InferInput | undefined {
  checkFields(item, INPUT_FIELDS, path, problems);
  const datatype = parseDatatype(item['datatype'], spec, `${path}.datatype`, problems);
  const shape = parseShape(item['shape'], spec, `${path}.shape`, problems);
  const parameters = item['parameters'];
  if (parameters !== undefined && !isObject(parameters)) problems.add(`${path}.parameters`, `expected an object, got ${describeValue(parameters)}`);
  const dataPath = `${path}.data`;
  if (!Object.hasOwn(item, 'data')) {
    problems.add(dataPath, 'missing');
    return undefined;
  }
  // Without a valid datatype and shape the elements cannot be judged.
  if (datatype === undefined || shape === undefined) return undefined;
  const flat = flattenData(item['data'], shape, dataPath, problems);
  if (flat === undefined) return undefined;
  const before = problems.list.length;
  const data = encodeElements(flat.values, datatype, (index) => elementPath(dataPath, index, shape, flat.nested), problems);
  return problems.list.length === before ? { name: spec.name, datatype, shape, data } : undefined;
}

function parseDatatype(value: unknown, spec: TensorSpec, path: string, problems: Problems): V2Datatype | undefined {
  if (value === undefined) {
    problems.add(path, `missing (the model's input ${JSON.stringify(spec.name)} is ${spec.datatype ?? 'unsupported'})`);
    return undefined;
  }
  if (typeof value !== 'string' || !isV2Datatype(value)) {
    problems.add(path, `unknown datatype ${describeValue(value)} (expected one of ${V2_DATATYPES.join(', ')})`);
    return undefined;
  }
  if (value !== spec.datatype) {
    problems.add(path, `the model's input ${JSON.stringify(spec.name)} is ${spec.datatype ?? 'unsupported'}, got ${value}`);
    return undefined;
  }
  return value;
}

function parseShape(value: unknown, spec: TensorSpec, path: string, problems: Problems): number[] | undefined {
  const wanted = `the model's input ${JSON.stringify(spec.name)} has shape ${formatShape(spec.dims)}`;
  if (value === undefined) {
    problems.add(path, `missing (${wanted})`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array of dimensions, got ${describeValue(value)}`);
    return undefined;
  }
  const shape: number[] = [];
  let ok = true;
  for (let d = 0; d < value.length; d++) {
    const dim: unknown = value[d];
    if (typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0) {
      shape.push(dim);
    } else {
      problems.add(`${path}[${d}]`, `expected a non-negative integer, got ${describeValue(dim)}`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  // [] from onnxruntime means a scalar or an unknown rank: let the runtime judge.
  if (spec.dims.length === 0) return shape;
  if (shape.length !== spec.dims.length) {
    problems.add(path, `${wanted} (rank ${spec.dims.length}), got ${formatShape(shape)} (rank ${shape.length})`);
    return undefined;
  }
  for (let d = 0; d < shape.length; d++) {
    const fixed = spec.dims[d];
    if (typeof fixed === 'number' && fixed !== shape[d]) {
      problems.add(`${path}[${d}]`, `${wanted}, so dimension ${d} must be ${fixed}, got ${shape[d] ?? ''}`);
      ok = false;
    }
  }
  return ok ? shape : undefined;
}

function parseOutputs(value: unknown, io: ModelIO, problems: Problems): string[] | undefined {
  // No list, or an empty one, asks for every output (V2).
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return defaultOutputs(io);
  if (!Array.isArray(value)) {
    problems.add('outputs', `expected an array of {"name"}, got ${describeValue(value)}`);
    return undefined;
  }
  const names: string[] = [];
  for (let j = 0; j < value.length; j++) {
    const path = `outputs[${j}]`;
    const item: unknown = value[j];
    if (!isObject(item)) {
      problems.add(path, `expected an object {"name"}, got ${describeValue(item)}`);
      continue;
    }
    checkFields(item, OUTPUT_FIELDS, path, problems);
    const name = item['name'];
    if (typeof name !== 'string') {
      problems.add(`${path}.name`, name === undefined ? 'missing' : `expected a string, got ${describeValue(name)}`);
      continue;
    }
    const spec = io.outputs.find((s) => s.name === name);
    const returnable = io.outputs.filter((s) => s.unsupported === undefined);
    if (spec === undefined) {
      problems.add(`${path}.name`, `unknown output ${JSON.stringify(name)} (the model's outputs: ${nameList(returnable)})`);
    } else if (spec.unsupported !== undefined) {
      problems.add(`${path}.name`, `output ${JSON.stringify(name)} cannot be returned: ${spec.unsupported}`);
    } else if (names.includes(name)) {
      problems.add(`${path}.name`, `output ${JSON.stringify(name)} is asked for twice`);
    } else {
      names.push(name);
    }
  }
  return names;
}
