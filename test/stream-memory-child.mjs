// Run by fit-dataset.test.ts in a process of its own, so that only the training's memory is
// measured (a test runner's own growth is not): trains the built package on a generated stream
// of `batches` batches of 1 MiB and prints resident memory at the start, after `warmUp`
// batches and at its peak, as JSON.
import { MLP } from '../dist/index.js';

const inputs = 1024;
const rows = 256;                        // 1 MiB of float32 inputs per batch
const batches = Number(process.argv[2] ?? 1024);
// Batches before V8 and the engine reach their working size: V8 lets the small per-batch
// ArrayBuffers pile up to ~45 MiB before collecting them, over the first ~640 batches of this
// process (how soon depends on the heap V8 started with), then memory stays flat.
const warmUp = 768;

const net = await MLP.create({ layers: [inputs, 4, 1], activations: ['relu', 'linear'], loss: 'mse', seed: 1 });
const x = new Float32Array(rows * inputs);
const y = new Float32Array(rows);
let state = 9;
const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
const start = process.memoryUsage().rss;
let warm = start;
let peak = start;
const history = await net.fitDataset(function* () {
  for (let b = 0; b < batches; b++) {
    // A fresh batch in the same buffers: y is a fixed linear function of x, learnable.
    for (let i = 0; i < x.length; i++) x[i] = random();
    for (let r = 0; r < rows; r++) y[r] = x[r * inputs] - x[r * inputs + 1];
    const rss = process.memoryUsage().rss;
    if (b === warmUp) warm = rss;
    peak = Math.max(peak, rss);
    yield { x, y };
  }
}, { epochs: 1, learningRate: 0.01 });
net.dispose();
console.log(JSON.stringify({ start, warm, peak, loss: history.loss[0], streamed: batches * rows * inputs * 4 }));
