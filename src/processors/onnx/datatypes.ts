// The tensor datatypes of the Open Inference Protocol (V2) and the onnxruntime element types
// they map to, with the typed array each one is held in.

export type V2Datatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** onnxruntime's names of the element types this processor can feed and return. */
export type OrtElementType = 'bool' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'string';

/**
 * Tensor elements, flat and row-major. BOOL is held as Uint8Array (0/1) and FP16 as the raw
 * half bits in a Uint16Array, the forms onnxruntime-node takes and returns.
 */
export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

const TO_ORT: Readonly<Record<V2Datatype, OrtElementType>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const FROM_ORT = new Map<string, V2Datatype>(Object.entries(TO_ORT).map(([v2, ort]) => [ort, v2 as V2Datatype]));

export const V2_DATATYPES = Object.keys(TO_ORT) as readonly V2Datatype[];

export function isV2Datatype(s: string): s is V2Datatype {
  return Object.hasOwn(TO_ORT, s);
}

export function ortElementType(datatype: V2Datatype): OrtElementType {
  return TO_ORT[datatype];
}

/** The V2 datatype of an onnxruntime element type; undefined for types this processor cannot carry (int4, uint4). */
export function v2Datatype(ortType: string): V2Datatype | undefined {
  return FROM_ORT.get(ortType);
}

/** An empty-initialised typed array (or string array) for `length` elements. */
export function allocate(datatype: V2Datatype, length: number): TensorData {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(length);
    case 'UINT16':
    case 'FP16':
      return new Uint16Array(length);
    case 'UINT32':
      return new Uint32Array(length);
    case 'UINT64':
      return new BigUint64Array(length);
    case 'INT8':
      return new Int8Array(length);
    case 'INT16':
      return new Int16Array(length);
    case 'INT32':
      return new Int32Array(length);
    case 'INT64':
      return new BigInt64Array(length);
    case 'FP32':
      return new Float32Array(length);
    case 'FP64':
      return new Float64Array(length);
    case 'BYTES':
      return new Array<string>(length).fill('');
  }
}

/** Joins tensors of one datatype end to end (concatenation along axis 0 of row-major data). */
export function concatData(datatype: V2Datatype, parts: readonly TensorData[]): TensorData {
  if (datatype === 'BYTES') return (parts as readonly string[][]).flat();
  let length = 0;
  for (const p of parts) length += p.length;
  const out = allocate(datatype, length) as Exclude<TensorData, string[]>;
  let offset = 0;
  for (const p of parts) {
    // Same datatype means the same typed array class; set() copies without conversion.
    (out as Uint8Array).set(p as Uint8Array, offset);
    offset += p.length;
  }
  return out;
}
