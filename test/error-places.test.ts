// Errors that name the call and the place: a batch of fitDataset too large for memory names its
// batch and epoch; a predict whose buffers the memory refuses to grow to names predict (the
// size pre-check passed; the host's limit came first).
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';

describe('a fitDataset batch too large for WebAssembly memory', () => {
  it('names the batch and the epoch; θ is unchanged', async () => {
    const net = await MLP.create({ layers: [1, 300, 1], activations: ['relu', 'linear'], seed: 1 });
    const before = Array.from(net.getParameters());
    const rows = 5_000_000;
    const failure = net.fitDataset(function* () {
      yield { x: new Float32Array(4), y: new Float32Array(4) };
      yield { x: new Float32Array(rows), y: new Float32Array(rows) };
    }, { epochs: 1 });
    await expect(failure).rejects.toThrow(ValueError);
    await expect(failure).rejects.toThrow(/^fitDataset: batch 1 of epoch 0: a batch of 5000000 rows needs 11\.\d GiB with the network, more than the 4 GiB/);
    expect(Array.from(net.getParameters())).toEqual(before);
  });
});

describe('a predict whose batch the memory cannot grow to', () => {
  /** The arena's refusal, as when the host caps memory below the 4 GiB pre-check. */
  const refuse = () => {
    throw new ValueError('a batch of 7 samples needs 3 GiB: the engine refused to grow WebAssembly memory to 3.1 GiB');
  };

  it('names predict and predictInto', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 1 });
    (net as unknown as { engine: { reserve(rows: number): void } }).engine.reserve = refuse;
    expect(() => net.predict([[1, 2]])).toThrow(/^predict: a batch of 7 samples needs 3 GiB: the engine refused to grow/);
    expect(() => net.predictInto([[1, 2]], new Float32Array(1))).toThrow(/^predictInto: a batch of 7 samples/);
  });

  it("names the Predictor's predict", async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 1 });
    const predictor = await Predictor.load(net.save());
    (predictor as unknown as { engine: { reserve(rows: number): void } }).engine.reserve = refuse;
    expect(() => predictor.predict([[1, 2]])).toThrow(/^predict: a batch of 7 samples/);
  });
});
