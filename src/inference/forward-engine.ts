// The engine of a network that only predicts (the Predictor's), over a forward-only kernel build:
// the Network and Layer blocks, θ, batch norm's running statistics and each batch's z and a (h, x̂
// and statistics for a normalization layer), in the fields src/wasm/engine.ts fills for the same
// kernels. That engine also holds gradients, optimizer state and datasets; none of them, nor the
// modules that define them (the optimizer registry among them), reach a page that only predicts.
import type { Architecture, FloatArray } from '../model/options.js';
import { arrayType } from '../model/options.js';
import { normStatisticsLength, parameterLayout, runningStatisticsLength } from '../model/layout.js';
import { overBatch } from '../registry/normalizations.js';
import { Arena } from '../wasm/arena.js';
import { BlockAccess } from '../wasm/blocks.js';
import type { KernelHost } from '../wasm/engine.js';
import type { ForwardEngine } from '../engine/predict.js';

/** SIMD kernels may read (never write) one vector past a buffer's last row. */
const SLACK_BYTES = 16;

/** A forward engine whose θ and running statistics the loader fills. */
export interface PredictorEngine extends ForwardEngine {
  /** θ, live. */
  parameters(): FloatArray;
  /** Batch norm's running mean then variance per batch-norm layer, live. */
  runningStatistics(): FloatArray;
}

/** Lays out a network that only predicts in `host`'s memory (the forward-only build's exports: forward, firstNonFinite). */
export function createForwardEngine(arch: Architecture, host: KernelHost): PredictorEngine {
  const { memory, kernels: k, blocks, arenaStart } = host;
  const Float = arrayType(arch.dtype);
  const bytes = Float.BYTES_PER_ELEMENT;
  if (k.floatBytes() !== bytes) throw new Error(`internal: ${arch.dtype} module computes in ${k.floatBytes()}-byte floats`);
  const layout = parameterLayout(arch);
  const count = layout.parameterCount;
  const arena = new Arena(memory, arenaStart);
  const net = arena.alloc(blocks.layersOffset + layout.layers.length * blocks.layerStride, 'the network descriptor');
  const params = arena.alloc(count * bytes + SLACK_BYTES, `the network's ${count} parameters`);
  const runningCount = runningStatisticsLength(layout);
  const running = arena.alloc(runningCount * bytes, 'the running statistics');
  const network = new BlockAccess(memory, blocks.Network, net);
  const layers = layout.layers.map((layer, l) => ({ layer, block: new BlockAccess(memory, blocks.Layer, net + blocks.layersOffset + l * blocks.layerStride) }));
  network.clear();
  network.set('layerCount', layers.length);
  network.set('parameterCount', count);
  network.set('parameters', params);
  let runningAt = running;
  for (const { layer, block } of layers) {
    block.clear();
    block.set('inputs', layer.inputs);
    block.set('outputs', layer.outputs);
    block.set('activation', blocks.activationCode(layer.activation));
    block.set('weights', params + layer.weightOffset * bytes);
    block.set('bias', params + layer.biasOffset * bytes);
    block.set('normalization', blocks.normalizationCode(layer.normalization));
    if (layer.normalization) {
      block.set('gamma', params + layer.normOffset * bytes);
      block.set('beta', params + (layer.normOffset + layer.outputs) * bytes);
    }
    if (overBatch(layer.normalization)) {
      // Mean then variance, the variance starting at 1 (nn.BatchNorm1d's), as the training engine.
      block.set('runningMean', runningAt);
      block.set('runningVar', runningAt + layer.outputs * bytes);
      new Float(memory.buffer, runningAt + layer.outputs * bytes, layer.outputs).fill(1);
      runningAt += 2 * layer.outputs * bytes;
    }
  }

  let capacity = 0;
  let batch = 0;
  let views = { rows: -1, buffer: memory.buffer, x: new Float(0), out: new Float(0) };
  const staged = (rows: number) => {
    if (views.rows !== rows || views.buffer !== memory.buffer) {
      const last = layers[layers.length - 1].block.get('a');
      views = { rows, buffer: memory.buffer, x: new Float(memory.buffer, network.get('batchInputs'), rows * layout.inputSize), out: new Float(memory.buffer, last, rows * layout.outputSize) };
    }
    return views;
  };
  return {
    layout,
    parameters: () => new Float(memory.buffer, params, count),
    runningStatistics: () => new Float(memory.buffer, running, runningCount),
    reserve(rows) {
      if (rows <= capacity) return;
      // The inputs, then per layer z and a; h and x̂ for a normalization, and its statistics (per row for layer norm).
      const floats = rows * layout.inputSize + layout.layers.reduce((s, l) => s + rows * l.outputs * (l.normalization ? 4 : 2) + (l.normalization ? normStatisticsLength(l, rows) : 0), 0);
      // The new block before the old one is freed: a failure leaves the engine as it was.
      const block = arena.alloc(floats * bytes + SLACK_BYTES, `a batch of ${rows} samples`);
      if (batch) arena.free(batch);
      batch = block;
      let p = block;
      const take = (n: number) => { const at = p; p += n * bytes; return at; };
      network.set('batchInputs', take(rows * layout.inputSize));
      for (const { layer, block: b } of layers) {
        const n = rows * layer.outputs;
        b.set('z', take(n));
        b.set('a', take(n));
        if (!layer.normalization) continue;
        b.set('h', take(n));
        b.set('xhat', take(n));
        b.set('statistics', take(normStatisticsLength(layer, rows)));
      }
      capacity = rows;
      views.rows = -1;
    },
    inputBuffer: (rows) => staged(rows).x,
    outputBuffer: (rows) => staged(rows).out,
    inputNonFinite: (rows) => k.firstNonFinite(network.get('batchInputs'), rows * layout.inputSize),
    forward: (rows) => k.forward(net, rows, false),
    dispose() {
      host.dispose?.();
    },
  };
}
