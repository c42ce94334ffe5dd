// Data is copied once on the training paths: fit copies a number[][] (or typed) X straight into
// the engine's dataset, validation rows included, and fitDataset each batch straight into the
// engine's batch buffers — no conversion into a JavaScript array in between. The inference
// Predictor holds no gradient buffer. (The private members read here are named in comments.)
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MLP } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { Random } from '../src/core/random.js';
import type { Engine } from '../src/engine/engine.js';
import { engineOf } from '../src/api/test-seam.js';
import { toArrays } from '../src/api/rows.js';

// toArrays copies a whole dataset into JavaScript arrays: watched wherever the library calls it.
vi.mock('../src/api/rows.js', async (importOriginal) => {
  const rows = await importOriginal<typeof import('../src/api/rows.js')>();
  return { ...rows, toArrays: vi.fn(rows.toArrays) };
});
beforeEach(() => {
  vi.mocked(toArrays).mockClear();
});

const SPEC = { layers: [3, 5, 2], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 2 } as const;
const random = new Random(3);
const rows = Array.from({ length: 40 }, () => [random.normal(), random.normal(), random.normal()]);
const labels = rows.map((r) => (r[0] > 0 ? 1 : 0));

/** Calls of toArrays (src/api/rows.ts: a whole dataset copied into JavaScript arrays) and of the engine's dataset staging. */
function watch(net: MLP) {
  const engine = engineOf(net);
  const allocate = vi.spyOn(engine, 'allocateDataset');
  const setDataset = vi.spyOn(engine, 'setDataset');
  return { toArrays: vi.mocked(toArrays), allocate, setDataset };
}

describe('copies of the data on the training paths', () => {
  it('fit: a number[][] X goes into the engine once, with its validationSplit rows; nothing is converted in JavaScript', async () => {
    const net = await MLP.create(SPEC);
    const spies = watch(net);
    net.fit(rows, labels, { epochs: 3, batchSize: 8, validationSplit: 0.25, metrics: ['accuracy'] });
    expect(spies.toArrays).not.toHaveBeenCalled();
    expect(spies.setDataset).not.toHaveBeenCalled();
    expect(spies.allocate).toHaveBeenCalledTimes(1);
    expect(spies.allocate).toHaveBeenCalledWith(30, false, 10);
  });

  it('fit with validationShuffle or stratify: the rows go into the engine once and are ordered there', async () => {
    for (const split of [{ validationShuffle: true }, { stratify: true }]) {
      const net = await MLP.create(SPEC);
      const spies = watch(net);
      net.fit(rows, labels, { epochs: 2, batchSize: 8, validationSplit: 0.25, metrics: ['accuracy'], ...split });
      expect(spies.toArrays).not.toHaveBeenCalled();
      expect(spies.setDataset).not.toHaveBeenCalled();
      expect(spies.allocate).toHaveBeenCalledTimes(1);
      expect(spies.allocate).toHaveBeenCalledWith(30, false, 10);
    }
  });

  it('fit with validationData: both sets go into the one dataset, once', async () => {
    const net = await MLP.create(SPEC);
    const spies = watch(net);
    net.fit(rows.slice(0, 30), labels.slice(0, 30), { epochs: 2, validationData: { X: rows.slice(30), Y: labels.slice(30) } });
    expect(spies.toArrays).not.toHaveBeenCalled();
    expect(spies.allocate).toHaveBeenCalledWith(30, false, 10);
  });

  it('fitDataset: each batch is staged once, straight into the batch buffers', async () => {
    const net = await MLP.create(SPEC);
    const spies = watch(net);
    await net.fitDataset(() => [{ x: rows.slice(0, 20), y: labels.slice(0, 20) }, { x: rows.slice(20), y: labels.slice(20) }], { epochs: 2 });
    expect(spies.toArrays).not.toHaveBeenCalled();
  });

  it('the Predictor holds no gradient buffer', async () => {
    const net = await MLP.create(SPEC);
    const predictor = await Predictor.load(net.save());
    const engine = (predictor as unknown as { engine: Engine }).engine;
    // Its engine is forward-only (src/inference/forward-engine.ts): no gradient, optimizer state or dataset.
    expect(Object.keys(engine).sort()).toEqual(['dispose', 'forward', 'inputBuffer', 'inputNonFinite', 'layout', 'outputBuffer', 'parameters', 'reserve', 'runningStatistics']);
    expect(predictor.predict(rows)).toEqual(net.predict(rows));
  });
});
