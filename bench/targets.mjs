// `BENCH_BASELINE=<built checkout> node bench/targets.mjs`: this build against another on the
// speed targets' workloads, one thread, float32: fit with Adam and with SGD on 784-128-10 batch
// 64, 784-512-512-10 batch 128 and the digits-shaped 64-100-10 batch 32 (`--only=digits`).
// Many short interleaved rounds (each runs every contender once, in an order that rotates), each
// contender timed in CPU time as bench/run.mjs does; a ratio is the median over rounds of that
// round's ratio, so load that drifts between rounds cancels out of it, and its interquartile
// range says how far to trust it.
import './optimized-wasm.mjs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as current from '../dist/index.js';
import { classification } from './data.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 15;
if (!process.env.BENCH_BASELINE) throw new Error('BENCH_BASELINE=<a built checkout> is required: the build to compare with');
const baseline = await import(pathToFileURL(`${process.env.BENCH_BASELINE}/dist/index.js`).href);
const NETWORKS = [
  { id: '784-128-10 b64', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 64, steps: 24 },
  { id: '784-512-512-10 b128', layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], batchSize: 128, steps: 4 },
  // scikit-learn's digits shape: an epoch of 1,347 rows is 42 batches of 32 and one of 3.
  { id: 'digits 64-100-10 b32', layers: [64, 100, 10], activations: ['relu', 'softmax'], batchSize: 32, rows: 1347, steps: 43 },
];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

/** ms of one run: the lesser of its wall time and the process's CPU time (bench/run.mjs says why). */
function timed(run) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  run();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  return Math.min(wall, cpu);
}

const quantile = (values, q) => { const s = [...values].sort((a, b) => a - b); const i = (s.length - 1) * q; const lo = Math.floor(i); return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo); };
const results = {};
for (const w of NETWORKS.filter((w) => !only || w.id.startsWith(only))) {
  const { x, labels } = classification(w.rows ?? w.batchSize * w.steps, w.layers[0], w.layers.at(-1), 1);
  const cells = [];
  for (const [build, lib] of [['this', current], ['baseline', baseline]]) {
    for (const optimizer of ['sgd', 'adam']) {
      const net = await lib.MLP.create({ layers: w.layers, activations: w.activations, loss: 'cross-entropy', seed: 1, threads: 1 });
      const options = { epochs: 1, batchSize: w.batchSize, optimizer: { type: optimizer, learningRate: 1e-3 } };
      const run = () => net.fit(x, labels, options);
      run(); // warm-up
      cells.push({ key: `${build} ${optimizer}`, run, net, times: [] });
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[(i + round) % cells.length];
      // Three fits a sample; the least of them (the one least disturbed).
      cell.times.push(Math.min(timed(cell.run), timed(cell.run), timed(cell.run)) / w.steps);
    }
  }
  const t = Object.fromEntries(cells.map((c) => [c.key, c.times]));
  const ratio = (a, b) => t[a].map((v, r) => v / t[b][r]);
  const summary = (values) => ({ median: quantile(values, 0.5), q1: quantile(values, 0.25), q3: quantile(values, 0.75) });
  results[w.id] = {
    stepMs: Object.fromEntries(cells.map((c) => [c.key, quantile(c.times, 0.5)])),
    speedup: { sgd: summary(ratio('baseline sgd', 'this sgd')), adam: summary(ratio('baseline adam', 'this adam')) },
    adamOverSgd: { this: summary(ratio('this adam', 'this sgd')), baseline: summary(ratio('baseline adam', 'baseline sgd')) },
  };
  cells.forEach((c) => c.net.dispose());
  const r = results[w.id];
  const f = (s) => `×${s.median.toFixed(2)} (IQR ${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
  console.log(`${w.id}, float32, one thread, fit: µs per step ${Object.entries(r.stepMs).map(([k, v]) => `${k} ${(v * 1000).toFixed(0)}`).join(', ')}`);
  console.log(`  this build ÷ baseline, speed: SGD ${f(r.speedup.sgd)}, Adam ${f(r.speedup.adam)}`);
  console.log(`  Adam step ÷ SGD step: this build ${f(r.adamOverSgd.this)}, baseline ${f(r.adamOverSgd.baseline)}`);
}
console.log(`${os.cpus()[0]?.model}, Node ${process.version}, kernels '${current.kernelVariant()}', ${ROUNDS} rounds, least of wall and process CPU time, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
console.log(JSON.stringify(results));
