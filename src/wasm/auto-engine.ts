import type { Engine } from '../engine/engine.js';
import type { WasmEngine } from './engine.js';
import { applyEngineState, captureEngineState } from '../state/network-state.js';

/**
 * The engine of a `threads: 'auto'` network. It computes on `one`, the one-thread build (plain
 * memory, exports called directly), until a call's batch is worth threads; it then copies
 * everything training reads into `threaded` and computes there from then on. Without workers
 * the threaded build cost a seed-size network 8–20% more per call (bench:threads); where in
 * the build is not pinned down. Both engines run the same kernels, so the move changes no result.
 *
 * `worth(rows)` decides, as the threaded kernels do: staged calls tell their rows through
 * `reserve` (which every caller makes before staging, and after which views are re-read);
 * dataset calls through their batch size. The move is tried once: if it fails, `refused` is
 * told and the network stays on one thread.
 */
export function startOnOneThread(one: WasmEngine, threaded: WasmEngine, worth: (rows: number) => boolean, refused: (error: unknown) => void): Engine {
  let current = one;
  let tried = false;
  let sampleWeighting = false;
  let datasetCount = 0;

  /** Moves the network before a call of batches of `rows` rows that is worth threads (once). */
  const before = (rows: number) => {
    if (!tried && worth(rows)) move();
  };
  /** The calls that may move the network, and the state the engines do not keep in memory. */
  const watching: Partial<Engine> = {
    reserve(rows) {
      before(rows);
      current.reserve(rows);
    },
    allocateDataset(count, weighted, heldOut) {
      datasetCount = count;
      return current.allocateDataset(count, weighted, heldOut);
    },
    setDataset(x, y, count, w, heldOut) {
      current.setDataset(x, y, count, w, heldOut);
      datasetCount = count;
    },
    clearDataset() {
      current.clearDataset();
      datasetCount = 0;
    },
    setSampleWeighting(on) {
      current.setSampleWeighting(on);
      sampleWeighting = on;
    },
    trainEpochs(epochs, batchSize, learningRate, shuffle, random, losses) {
      before(Math.min(batchSize, datasetCount));
      current.trainEpochs(epochs, batchSize, learningRate, shuffle, random, losses);
    },
    trainBatches(first, count, batchSize, learningRate) {
      before(Math.min(batchSize, datasetCount));
      return current.trainBatches(first, count, batchSize, learningRate);
    },
    dispose() {
      if (current === one) one.dispose();
      threaded.dispose();
    },
  };
  // Every other call goes straight to the current engine's own function.
  const engine = { ...one, ...watching } as WasmEngine;

  function move(): void {
    tried = true;
    try {
      copyInto(threaded, one, sampleWeighting);
    } catch (error) {
      threaded.dispose();
      refused(error);
      return;
    }
    current = threaded;
    Object.assign(engine, threaded, watching);
    one.dispose();
  }
  return engine;
}

/** Copies the network's state (src/state/network-state.ts), then what a call under way reads: ∇θ and the dataset. */
function copyInto(to: WasmEngine, from: WasmEngine, sampleWeighting: boolean): void {
  applyEngineState(to, captureEngineState(from));
  to.gradient().set(from.gradient());
  const data = from.datasetContents();
  if (data) {
    to.setDataset(data.x, data.y, data.count, data.w, data.heldOut);
    // The order a caller wrote for its next trainBatches.
    to.datasetOrder().set(from.datasetOrder());
  }
  to.setSampleWeighting(sampleWeighting);
}
