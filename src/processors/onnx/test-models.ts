// Small ONNX models for the unit tests, written as protobuf bytes by hand (only the fields of
// ModelProto these graphs need), so the tests cover every datatype without a Python toolchain.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** TensorProto.DataType codes. */
export const Elem = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13 } as const;

export interface ValueInfo {
  name: string;
  elem: number;
  /** Fixed (number) or symbolic (string) dimensions; undefined leaves the shape out. */
  dims?: (number | string)[];
  /** A sequence of such tensors instead of a tensor. */
  sequence?: boolean;
}

export interface NodeDef {
  op: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number[]>;
  int?: Record<string, number>;
}

export interface Int64Initializer {
  name: string;
  dims: number[];
  values: number[];
}

export interface GraphDef {
  opset: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: NodeDef[];
  initializers?: Int64Initializer[];
}

class Writer {
  readonly #bytes: number[] = [];

  varint(v: number | bigint): this {
    // Negative int64 values are written as their 64-bit two's complement (ten bytes).
    let n = BigInt.asUintN(64, BigInt(v));
    do {
      const byte = Number(n & 0x7fn);
      n >>= 7n;
      this.#bytes.push(n === 0n ? byte : byte | 0x80);
    } while (n !== 0n);
    return this;
  }

  int(field: number, v: number | bigint): this {
    return this.varint(field << 3).varint(v);
  }

  bytes(field: number, data: Uint8Array): this {
    this.varint((field << 3) | 2).varint(data.length);
    for (const b of data) this.#bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.done());
  }

  done(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

function tensorType(w: Writer, v: ValueInfo): void {
  w.message(1, (t) => {
    t.int(1, v.elem);
    const dims = v.dims;
    if (dims !== undefined) {
      t.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }
  });
}

function valueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => {
    if (v.sequence === true) type.message(4, (seq) => seq.message(1, (elemType) => tensorType(elemType, v)));
    else tensorType(type, v);
  });
}

/** The bytes of an .onnx file holding the graph. */
export function onnxModel(graph: GraphDef): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'easel-tests');
  w.message(7, (g) => {
    graph.nodes.forEach((node, k) => {
      g.message(1, (n) => {
        for (const i of node.inputs) n.string(1, i);
        for (const o of node.outputs) n.string(2, o);
        n.string(3, `node${k}`);
        n.string(4, node.op);
        for (const [name, values] of Object.entries(node.ints ?? {})) {
          n.message(5, (a) => {
            a.string(1, name);
            for (const v of values) a.int(8, v);
            a.int(20, 7); // AttributeProto.INTS
          });
        }
        for (const [name, value] of Object.entries(node.int ?? {})) {
          n.message(5, (a) => a.string(1, name).int(3, value).int(20, 2)); // AttributeProto.INT
        }
      });
    });
    g.string(2, 'graph');
    for (const init of graph.initializers ?? []) {
      g.message(5, (t) => {
        for (const d of init.dims) t.int(1, d);
        t.int(2, Elem.INT64);
        for (const v of init.values) t.int(7, v);
        t.string(8, init.name);
      });
    }
    for (const v of graph.inputs) g.message(11, (m) => valueInfo(m, v));
    for (const v of graph.outputs) g.message(12, (m) => valueInfo(m, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset));
  return w.done();
}

let folder: string | undefined;
let written = 0;

/** Writes the model into this process's temporary folder (removed when the process exits); returns the file's path. */
export function writeModel(name: string, graph: GraphDef): string {
  if (folder === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'easel-onnx-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    folder = dir;
  }
  const file = join(folder, `${name}-${++written}.onnx`);
  writeFileSync(file, onnxModel(graph));
  return file;
}

/** y = Identity(x), x of shape [N, 2]. */
export function identityModel(elem: number): GraphDef {
  return {
    opset: 17,
    inputs: [{ name: 'x', elem, dims: ['N', 2] }],
    outputs: [{ name: 'y', elem, dims: ['N', 2] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  };
}
