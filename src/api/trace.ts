import type { Engine } from '../engine/engine.js';
import { checkBatchStatisticsRows } from '../model/layout.js';

/** One layer of one sample in a trace: the worked example's z, h and δ. */
export interface LayerTrace {
  /** Pre-activations z = W·x + b. */
  z: number[];
  /** Activations h = act(z) (for the last layer, the prediction ŷ). */
  h: number[];
  /** δ = ∂ℓ/∂z for this sample's own loss ℓ (the worked example's δ; for an MSE output, 2(ŷ − y)/outputs). */
  delta: number[];
}

/** Everything computed for one sample of the batch. */
export interface SampleTrace {
  x: number[];
  y: number[];
  layers: LayerTrace[];
  /** The network's output ŷ. */
  output: number[];
  /** This sample's loss ℓ (for MSE: the mean over outputs of (ŷ − y)²). */
  loss: number;
  /** ∇θ ℓ, in θ's order. */
  gradient: number[];
}

/** The result of `net.trace(X, Y)`: per-sample values, then the batch's loss and gradient (their means). */
export interface Trace {
  samples: SampleTrace[];
  loss: number;
  gradient: number[];
}

/**
 * Runs each staged sample alone (a batch of one, so δ and ∇ are that sample's own) and then
 * the whole batch. `stage(i)` puts sample i in the engine's first row; `stageAll()` restores
 * the batch.
 */
export function traceBatch(engine: Engine, rows: number, stage: (sample: number) => { x: number[]; y: number[] }, stageAll: () => void): Trace {
  const samples: SampleTrace[] = [];
  const count = engine.layout.layers.length;
  for (let i = 0; i < rows; i++) {
    const { x, y } = stage(i);
    engine.forward(1);
    const layers = engine.layout.layers.map((_, l) => ({ z: Array.from(engine.preActivation(l, 1)), h: Array.from(engine.activation(l, 1)), delta: [] as number[] }));
    const loss = engine.backward(1);
    layers.forEach((layer, l) => (layer.delta = Array.from(engine.preActivation(l, 1))));
    samples.push({ x, y, layers, output: layers[count - 1].h, loss, gradient: Array.from(engine.gradient()) });
  }
  stageAll();
  engine.forward(rows);
  const loss = engine.backward(rows);
  return { samples, loss, gradient: Array.from(engine.gradient()) };
}

/** The trace of the `rows` rows staged in the engine's batch buffers, which it leaves as they were. */
export function traceStagedRows(fn: string, engine: Engine, rows: number): Trace {
  // Each sample's own values come from a batch of that one row.
  checkBatchStatisticsRows(fn, engine.layout, 1, "each sample's own pass");
  const inputs = engine.layout.inputSize;
  const outputs = engine.layout.outputSize;
  const x = Array.from(engine.inputBuffer(rows));
  const y = Array.from(engine.targetBuffer(rows));
  return traceBatch(engine, rows, (i) => {
    const xi = x.slice(i * inputs, (i + 1) * inputs);
    const yi = y.slice(i * outputs, (i + 1) * outputs);
    engine.inputBuffer(1).set(xi);
    engine.targetBuffer(1).set(yi);
    return { x: xi, y: yi };
  }, () => {
    engine.inputBuffer(rows).set(x);
    engine.targetBuffer(rows).set(y);
  });
}
