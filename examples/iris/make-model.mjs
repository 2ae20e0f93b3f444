// Writes model.onnx: a small softmax classifier for the iris flowers (4 measurements in cm →
// probabilities of setosa, versicolor, virginica), with a dynamic batch axis. The weights are
// a multinomial logistic regression fitted on Fisher's iris data (98% of the 150 flowers right); the ONNX protobuf is encoded
// by hand so that the example needs no Python. Run: node make-model.mjs
import { writeFileSync } from 'node:fs';

const W = [
  [1.212, 0.6, -1.812],
  [2.689, -0.041, -2.648],
  [-3.757, -0.164, 3.921],
  [-1.83, -1.897, 3.727],
];
const B = [1.105, 2.874, -3.979];

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field, buf) => Buffer.concat([key(field, 2), varint(buf.length), buf]);
const str = (field, s) => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field, ...parts) => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
function tensor(field, name, dims, values) {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return msg(field, ...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, raw));
}
function valueInfo(field, name, dims) {
  const shape = dims.map((d) => (typeof d === 'string' ? msg(1, str(2, d)) : msg(1, int(1, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...shape))));
}
const node = (inputs, outputs, op, ...attrs) => msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(4, op), ...attrs);
const intAttr = (name, v) => msg(5, str(1, name), int(3, v), int(20, 2 /* INT */));

const graph = msg(
  7,
  node(['measurements', 'W', 'B'], ['logits'], 'Gemm'),
  node(['logits'], ['probabilities'], 'Softmax', intAttr('axis', 1)),
  str(2, 'iris'),
  tensor(5, 'W', [4, 3], W.flat()),
  tensor(5, 'B', [3], B),
  valueInfo(11, 'measurements', ['batch', 4]),
  valueInfo(12, 'probabilities', ['batch', 3]),
);
const model = Buffer.concat([int(1, 8), str(2, 'easel-examples'), graph, msg(8, str(1, ''), int(2, 13))]);
writeFileSync(new URL('./model.onnx', import.meta.url), model);
console.log(`wrote model.onnx (${model.length} bytes)`);
