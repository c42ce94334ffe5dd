// `BENCH_BASELINE=<built checkout> node bench/digits.mjs`: scikit-learn's digits comparison as
// wasm-mlp runs it (1,347 training rows of 64 features, 10 classes, 64-100-10 relu/softmax, Adam
// η = 10⁻³, batch 32, 200 epochs, float32, one thread), this build against another in one
// process: the CPU time of a whole `fit`, network creation included, as a one-off user pays it.
// Synthetic rows of that shape (scikit-learn's own set needs a python3 with it). Before anything
// is timed, one epoch of each build is checked against the pure-TypeScript reference backend
// from the same seed, so a build that trains wrongly, or not at all, times nothing.
import './optimized-wasm.mjs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as current from '../dist/index.js';
import { classification } from './data.mjs';

if (!process.env.BENCH_BASELINE) throw new Error('BENCH_BASELINE=<a built checkout> is required: the build to compare with');
const baseline = await import(pathToFileURL(`${process.env.BENCH_BASELINE}/dist/index.js`).href);
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 7;
const EPOCHS = Number(process.env.BENCH_EPOCHS) || 200;
const SHAPE = { layers: [64, 100, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1, threads: 1 };
const options = (epochs) => ({ epochs, batchSize: 32, optimizer: { type: 'adam', learningRate: 1e-3 } });
const { x, labels } = classification(1347, 64, 10, 4);

/** One epoch in `lib` against the js backend's: θ within float32's drift of the reference, or it throws. */
async function check(lib, label) {
  const [wasm, js] = [await lib.MLP.create(SHAPE), await current.MLP.create({ ...SHAPE, backend: 'js', dtype: 'float64' })];
  wasm.fit(x, labels, options(1));
  js.fit(x, labels, options(1));
  const [got, expected] = [wasm.getParameters(), js.getParameters()];
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(1e-2, Math.abs(expected[i])));
  wasm.dispose();
  js.dispose();
  // 43 float32 Adam steps drift ~1e-5 from float64; a wrong kernel is off by far more.
  if (!(worst < 1e-3)) throw new Error(`${label}: one epoch's parameters are off the js backend's by ${worst} (relative): nothing is timed`);
  return worst;
}

/** CPU ms of MLP.create and a fit of EPOCHS epochs, and the fit's training accuracy. */
async function fitOnce(lib) {
  const c0 = process.cpuUsage();
  const net = await lib.MLP.create(SHAPE);
  net.fit(x, labels, options(EPOCHS));
  const c = process.cpuUsage(c0);
  const accuracy = net.evaluate(x, labels, { metrics: ['accuracy'] }).metrics.accuracy;
  net.dispose();
  return { ms: (c.user + c.system) / 1000, accuracy };
}

const builds = [['this', current], ['baseline', baseline]];
for (const [label, lib] of builds) console.log(`${label}: one epoch against the js backend, largest relative difference ${(await check(lib, label)).toExponential(1)}`);
const times = { this: [], baseline: [] };
let accuracy = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, lib] of round % 2 ? [...builds].reverse() : builds) {
    const r = await fitOnce(lib);
    times[label].push(r.ms);
    accuracy[label] = r.accuracy;
  }
}
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ratios = times.this.map((t, r) => times.baseline[r] / t);
console.log(`digits-shaped fit, ${EPOCHS} epochs (${EPOCHS * 43} steps), CPU time (median of ${ROUNDS}): this build ${median(times.this).toFixed(0)} ms, baseline ${median(times.baseline).toFixed(0)} ms; baseline ÷ this ×${median(ratios).toFixed(2)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); training accuracy ${accuracy.this.toFixed(3)} and ${accuracy.baseline.toFixed(3)}`);
console.log(`${os.cpus()[0]?.model}, Node ${process.version}, kernels '${current.kernelVariant()}', load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
