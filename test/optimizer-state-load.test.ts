// Optimizer state that sums or averages squared gradients (Adam's v and AMSGrad's max, RMSprop's
// square average, Adagrad's sum) can never be negative; a saved one that is was damaged, and
// would turn √v into NaN at the next step (a DivergenceError far from the cause). fromJSON and
// load refuse it, naming the tensor and the value.
import { describe, expect, it } from 'vitest';
import { FormatError, MLP, type OptimizerConfig } from '../src/index.js';
import { crc32 } from '../src/io/crc32.js';

const cases: [string, Partial<OptimizerConfig>, string, number][] = [
  ['adam', { type: 'adam' }, 'v', 1],
  ['adam amsgrad', { type: 'adam', amsgrad: true }, 'vMax', 2],
  ['adamw', { type: 'adamw' }, 'v', 1],
  ['rmsprop', { type: 'rmsprop' }, 'squareAverage', 0],
  ['adagrad', { type: 'adagrad' }, 'sum', 0],
];

async function trained(optimizer: Partial<OptimizerConfig>) {
  const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 1 });
  net.fit([[1, 2], [3, 4], [-1, 0.5]], [[1], [2], [0]], { epochs: 3, batchSize: 3, optimizer: optimizer as OptimizerConfig });
  return net;
}

describe.each(cases)('%s: a negative %s', (_, optimizer, name, index) => {
  it('fromJSON refuses it with a FormatError naming the tensor', async () => {
    const json = (await trained(optimizer)).toJSON({ training: true }) as unknown as { training: { optimizer: { buffers: number[][] } } };
    expect(json.training.optimizer.buffers[index][4]).toBeGreaterThan(0);
    json.training.optimizer.buffers[index][4] = -0.25;
    await expect(MLP.fromJSON(json as never)).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON(json as never)).rejects.toThrow(`${name}[4] is -0.25, but it accumulates squared gradients and cannot be negative`);
  });

  it('load refuses a checkpoint holding one (its checksum recomputed, as a writer with a bug would)', async () => {
    const net = await trained(optimizer);
    const bytes = net.save();
    const value = (net.toJSON({ training: true }) as unknown as { training: { optimizer: { buffers: number[][] } } }).training.optimizer.buffers[index][4];
    const pattern = new Uint8Array(Float32Array.of(value).buffer);
    const at = Array.from({ length: bytes.length - 4 }, (_, i) => i).filter((i) => pattern.every((b, k) => bytes[i + k] === b));
    // The last match: AMSGrad's vMax follows v and may equal it.
    expect(at.length).toBeGreaterThan(0);
    bytes.set(new Uint8Array(Float32Array.of(-value).buffer), at[at.length - 1]);
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes, 0, bytes.length - 4), true);
    await expect(MLP.load(bytes)).rejects.toThrow(FormatError);
    await expect(MLP.load(bytes)).rejects.toThrow(`tensor optimizer.${name}[4] is ${Math.fround(-value)}, but it accumulates squared gradients and cannot be negative`);
  });
});
