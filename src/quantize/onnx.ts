// `net.toOnnx({ quantize: 'int8' })`: each Linear as the int8 model computes it (the layers of
// `net.quantize({ weights: 'int8' })`), in standard ONNX operators that ONNX Runtime runs:
//   per row lo = Min(ReduceMin(x), 0), hi = Max(ReduceMax(x), 0), s = (hi − lo)/127 (1 where below 2^−126),
//   zp = Clip(Round(−lo·(1/s)), 0, 127), q = Cast<uint8>(Clip(Round(x·(1/s)) + zp, 0, 127)),
//   acc = MatMulInteger(q, Wᵀ int8) (int32), z = Cast<float>(acc − zp·Σw)·(s·scale) + b.
// This is DynamicQuantizeLinear's scheme with 7 bits (its [0, 255] becomes [0, 127], which the
// relaxed dot reads alike on every CPU) and the zero point taken out after the integer product, so
// the graph's integers equal the kernels' and its floats are computed in the same order.
import type { QuantizedLayer } from './model.js';

const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

interface Node { input: string[]; output: string[]; name: string; opType: string; attribute?: object[] }

/** Appends the nodes and initializers of layer l's quantized Linear, from `input` (batch × inputs, float) into `output` (batch × outputs). */
export function int8LinearNodes(nodes: Node[], initializers: object[], l: number, layer: QuantizedLayer, input: string, output: string): void {
  const { inputs: k, outputs: n } = layer;
  const prefix = `layers.${l}`;
  let count = 0;
  const op = (opType: string, inputs: string[], attribute?: object[], to?: string) => {
    const name = `${prefix}.${opType.toLowerCase()}${count++}`;
    nodes.push({ input: inputs, output: [to ?? name], name, opType, ...(attribute && { attribute }) });
    return to ?? name;
  };
  const initializer = (name: string, dims: number[], dataType: number, rawData: Uint8Array) => {
    initializers.push({ name: `${prefix}.${name}`, dims, dataType, rawData });
    return `${prefix}.${name}`;
  };
  const floats = (name: string, values: ArrayLike<number>, dims = [values.length]) => initializer(name, dims, FLOAT, new Uint8Array(Float32Array.from(values).buffer));
  const rows = [{ name: 'axes', type: 7, ints: [1] }, { name: 'keepdims', type: 2, i: 1 }];
  const zero = floats('zero', [0], []);
  const top = floats('qmax', [127], []);
  const lo = op('Min', [op('ReduceMin', [input], rows), zero]);
  const hi = op('Max', [op('ReduceMax', [input], rows), zero]);
  const range = op('Div', [op('Sub', [hi, lo]), top]);
  // As the kernel: a range under float32's smallest normal (zero included) becomes 1.
  const scale = op('Where', [op('Less', [range, floats('smallest', [1.1754943508222875e-38], [])]), floats('one', [1], []), range]);
  const inv = op('Reciprocal', [scale]);
  const zp = op('Clip', [op('Round', [op('Mul', [op('Neg', [lo]), inv])]), zero, top]);
  const q = op('Cast', [op('Clip', [op('Add', [op('Round', [op('Mul', [input, inv])]), zp]), zero, top])], [{ name: 'to', type: 2, i: UINT8 }]);
  // MatMulInteger multiplies by B = Wᵀ (inputs × outputs).
  const transposed = new Int8Array(k * n);
  const sums = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < k; p++) {
      transposed[p * n + j] = layer.weight[j * k + p];
      sums[j] += layer.weight[j * k + p];
    }
  }
  const acc = op('MatMulInteger', [q, initializer('weight_quantized', [k, n], INT8, new Uint8Array(transposed.buffer))]);
  const correction = op('Mul', [op('Cast', [zp], [{ name: 'to', type: 2, i: INT32 }]), initializer('weight_sum', [n], INT32, new Uint8Array(sums.buffer))]);
  const exact = op('Cast', [op('Sub', [acc, correction])], [{ name: 'to', type: 2, i: FLOAT }]);
  const factor = op('Mul', [scale, floats('weight_scale', layer.scale!)]);
  op('Add', [op('Mul', [exact, factor]), floats('bias', layer.bias)], undefined, output);
}
