// What a loaded model takes and returns, from onnxruntime's input and output metadata: names,
// datatypes and dimensions (fixed or symbolic), and whether requests can be merged along axis 0.
import { v2Datatype, type V2Datatype } from './datatypes.js';

/** onnxruntime's metadata of one input or output (InferenceSession.ValueMetadata). */
export type OrtValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly type: string; readonly shape: readonly (number | string)[] };

export interface TensorSpec {
  readonly name: string;
  /** Undefined when the value is not a tensor (a sequence or map) or its element type has no V2 datatype. */
  readonly datatype: V2Datatype | undefined;
  /** Why this processor cannot carry the value; undefined when it can. */
  readonly unsupported: string | undefined;
  /**
   * A number for a fixed dimension, a string for a symbolic one (the name, possibly empty).
   * onnxruntime reports both a scalar and a tensor of unknown rank as [], so [] accepts any shape.
   */
  readonly dims: readonly (number | string)[];
}

export interface ModelIO {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

function tensorSpec(m: OrtValueMetadata): TensorSpec {
  if (!m.isTensor) return { name: m.name, datatype: undefined, unsupported: 'it is not a tensor (a sequence or map)', dims: [] };
  const datatype = v2Datatype(m.type);
  const unsupported = datatype === undefined ? `its element type ${m.type} has no V2 datatype` : undefined;
  return { name: m.name, datatype, unsupported, dims: [...m.shape] };
}

export function modelIO(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): ModelIO {
  return { inputs: inputs.map(tensorSpec), outputs: outputs.map(tensorSpec) };
}

/** Why the model cannot be served at all (an input no request could feed); empty when it can. */
export function unservableInputs(io: ModelIO): string[] {
  return io.inputs.filter((i) => i.unsupported !== undefined).map((i) => `input "${i.name}": ${i.unsupported ?? ''}`);
}

/** The outputs a request gets when it names none: every output this processor can return. */
export function defaultOutputs(io: ModelIO): string[] {
  return io.outputs.filter((o) => o.unsupported === undefined).map((o) => o.name);
}

/** The shape as the V2 protocol writes it: -1 for a symbolic dimension. */
export function v2Shape(dims: readonly (number | string)[]): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : -1));
}

export function isSymbolic(dim: number | string | undefined): boolean {
  return typeof dim === 'string';
}

function firstDimension(dims: readonly (number | string)[]): string {
  return dims.length === 0 ? 'no first dimension (a scalar, or its rank is unknown)' : `a fixed first dimension (${String(dims[0])})`;
}

/**
 * Whether requests can be concatenated along axis 0: every input and every returnable output
 * must have a symbolic first dimension. The reason says which one stands in the way.
 */
export function batchAxis(io: ModelIO): { mergeable: true } | { mergeable: false; reason: string } {
  for (const i of io.inputs) {
    if (!isSymbolic(i.dims[0])) return { mergeable: false, reason: `input "${i.name}" has ${firstDimension(i.dims)}` };
  }
  for (const o of io.outputs) {
    if (o.unsupported === undefined && !isSymbolic(o.dims[0])) {
      return { mergeable: false, reason: `output "${o.name}" has ${firstDimension(o.dims)}` };
    }
  }
  return { mergeable: true };
}
