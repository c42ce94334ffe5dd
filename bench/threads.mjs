// `npm run bench:threads [-- --quick] [-- --only=<ids>]`: wasm-mlp training on one thread against every thread
// count up to the available cores and threads: 'auto', each workload's contenders in one
// process, in many short interleaved rounds. The speed-up is the median over rounds of each
// round's ratio to one thread, so load that drifts over seconds (other processes on a shared
// machine) cancels out of it. For each workload it prints threads → speed-up → efficiency, the
// serial fraction those speed-ups imply (Karp–Flatt) and Amdahl's prediction from it for 4, 8
// and 16 cores. Prints a table and writes bench/threads-results.json. Every contender trains the same network from the same seed on
// the same data, and multi-threaded results are bit-identical to one thread (test/threads.test.ts).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
import * as current from '../dist/index.js';
import { classification, moons, rows } from './data.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 21;
const TIME = quick ? 60 : 200; // ms of timing per contender per round

const WORKLOADS = [
  { id: 'wide', title: '784-512-512-10 relu/softmax, SGD batch 128 (fit)', layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], batchSize: 128, count: quick ? 256 : 1024, epochs: 1, data: (n) => classification(n, 784, 10, 1) },
  { id: 'mnist', title: '784-128-10 relu/softmax, SGD batch 64 (fit)', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 64, count: quick ? 512 : 2048, epochs: 2, data: (n) => classification(n, 784, 10, 1) },
  { id: 'mnist-b32', title: '784-128-10 relu/softmax, SGD batch 32 (fit)', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 32, count: quick ? 512 : 2048, epochs: 2, data: (n) => classification(n, 784, 10, 1) },
  { id: 'mnist-step', title: '784-128-10, step(X, Y) on a batch of 64 from a typed array', mode: 'step', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 64, count: 64, calls: 20, data: (n) => classification(n, 784, 10, 1) },
  { id: 'seed', title: "the seed's 2-1-1 (relu, mse), full-batch fit", layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', batchSize: 2, count: 2, epochs: quick ? 20000 : 100000, data: () => ({ x: new Float32Array([2, 1, -3, 2]), oneHot: new Float32Array([1.3, 1.9]) }) },
  { id: 'seed-step', title: "the seed's 2-1-1 (relu, mse), step(X, Y) on its 2 rows", mode: 'step', layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', batchSize: 2, count: 2, calls: 1000, data: () => ({ x: new Float32Array([2, 1, -3, 2]), oneHot: new Float32Array([1.3, 1.9]) }) },
  { id: 'toy', title: '2-D toy: 2-32-32-2 tanh/softmax on two moons, batch 32 (fit)', layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], batchSize: 32, count: 1024, epochs: quick ? 5 : 20, data: (n) => moons(n) },
];
// `--only=wide,mnist` runs the workloads with those ids only.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const SELECTED = only ? WORKLOADS.filter((w) => only.includes(w.id)) : WORKLOADS;
if (only && SELECTED.length !== only.length) throw new Error(`--only: workload ids are ${WORKLOADS.map((w) => w.id).join(', ')}`);
// BENCH_BASELINE=<a checkout, built>: its build also runs on 1 and 2 threads in the same rounds,
// for before/after ratios (each row's speed-up stays relative to this build's one thread).
const baseline = process.env.BENCH_BASELINE ? await import(pathToFileURL(`${process.env.BENCH_BASELINE}/dist/index.js`).href) : null;
const cores = os.availableParallelism();
const counts = Array.from({ length: Math.max(2, cores) }, (_, i) => i + 1);
const CONTENDERS = [
  ...[...counts, 'auto'].map((threads) => ({ threads, lib: current, label: String(threads) })),
  ...(baseline ? [1, 2].map((threads) => ({ threads, lib: baseline, label: `${threads}, baseline build` })) : []),
];
const { kernelVariant } = current;
/** The work threshold of src/threads/support.ts: calls below it per thread use fewer threads. */
const { WORK_PER_THREAD } = await import('../dist/threads/support.js');

async function prepare(w, { threads, lib: { MLP } }) {
  const loss = w.loss ?? 'cross-entropy';
  const net = await MLP.create({ layers: w.layers, activations: w.activations, loss, seed: 1, threads });
  // SGD, as the titles say (fit's own default is Adam, whose update costs more than SGD's).
  net.setOptimizer({ type: 'sgd', learningRate: 0.01 });
  const { x, labels, oneHot } = w.data(w.count);
  const Y = loss === 'cross-entropy' ? labels : oneHot;
  if (w.mode === 'step') {
    return { net, samples: w.calls * w.batchSize, run: () => { for (let i = 0; i < w.calls; i++) net.step(x, Y); } };
  }
  return { net, samples: w.epochs * w.count, run: () => { net.fit(x, Y, { epochs: w.epochs, batchSize: w.batchSize, shuffle: true }); } };
}

/** Threads a workload's calls run on: the network's count, or one below the work threshold (as threadsFor decides). */
function usedThreads(w, net) {
  const parameters = w.layers.slice(1).reduce((sum, units, l) => sum + (w.layers[l] + 1) * units, 0);
  const rows = Math.min(w.batchSize, w.count);
  return Math.max(1, Math.min(net.threads, Math.floor((rows * parameters) / WORK_PER_THREAD)));
}

async function medianMs(task) {
  const bench = new Bench({ time: TIME, iterations: 3, warmupTime: Math.min(100, TIME), warmupIterations: 1, throws: true });
  bench.add('run', task.run);
  await bench.run();
  return bench.tasks[0].result.latency.p50;
}

const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const results = [];
for (const w of SELECTED) {
  const tasks = [];
  for (const contender of CONTENDERS) tasks.push({ ...contender, ...(await prepare(w, contender)) });
  const times = tasks.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < tasks.length; i++) times[i].push(await medianMs(tasks[i]));
  }
  for (let i = 0; i < tasks.length; i++) {
    const ms = median(times[i]);
    const speedup = median(times[i].map((t, round) => times[0][round] / t));
    results.push({ workload: w.id, title: w.title, threads: tasks[i].threads, label: tasks[i].label, lib: tasks[i].lib === current ? 'current' : 'baseline', used: usedThreads(w, tasks[i].net), samplesPerSecond: (tasks[i].samples / ms) * 1000, ms, speedup });
    tasks[i].net.dispose();
  }
}

/** Karp–Flatt: the serial fraction f that a speed-up s on p threads implies, s = 1 / (f + (1 − f) / p). */
const serialFraction = (s, p) => (p / s - 1) / (p - 1);
/** Amdahl's law: the speed-up on n cores of work whose serial fraction is f. */
const amdahl = (f, n) => 1 / (f + (1 - f) / n);
const PREDICTED = [4, 8, 16];

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${cores} logical cores, Node ${process.version}, kernels '${kernelVariant()}'`;
const load = os.loadavg().map((l) => l.toFixed(2)).join(', ');
console.log(`wasm-mlp multi-core training — ${machine}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}, load average ${load} (1, 5, 15 min)`);
console.log(`(float32; samples/s: median over ${ROUNDS} interleaved rounds; speed-up: median of the rounds' ratios to threads: 1; efficiency: speed-up ÷ threads)\n`);
const scaling = [];
for (const w of SELECTED) {
  console.log(w.title);
  const rows = results.filter((r) => r.workload === w.id);
  for (const r of rows) {
    const label = r.threads === 'auto' ? `auto (${r.used})` : r.label;
    const efficiency = typeof r.threads === 'number' && r.lib === 'current' ? `   efficiency ${((100 * r.speedup) / r.threads).toFixed(0)}%` : '';
    console.log(`  threads ${label.padEnd(20)} ${r.samplesPerSecond.toFixed(0).padStart(12)} samples/s   ×${r.speedup.toFixed(2)}${efficiency}`);
  }
  // The serial fraction from the most threads measured; a speed-up at or above linear implies none.
  const most = rows.filter((r) => r.lib === 'current' && typeof r.threads === 'number' && r.threads > 1 && r.used === r.threads).at(-1);
  if (most) {
    const f = Math.max(0, serialFraction(most.speedup, most.threads));
    const predicted = PREDICTED.map((n) => ({ cores: n, speedup: amdahl(f, n), efficiency: amdahl(f, n) / n }));
    scaling.push({ workload: w.id, measuredThreads: most.threads, serialFraction: f, predicted });
    console.log(`  serial fraction ${(100 * f).toFixed(1)}% (from ${most.threads} threads); Amdahl: ${predicted.map((p) => `${p.cores} cores ×${p.speedup.toFixed(2)} (${(100 * p.efficiency).toFixed(0)}%)`).join(', ')}`);
  }
}
writeFileSync(new URL('./threads-results.json', import.meta.url), JSON.stringify({ machine, load, date: new Date().toISOString(), quick, results, scaling }, null, 2) + '\n');
