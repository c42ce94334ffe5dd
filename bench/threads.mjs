// `npm run bench:threads [-- --quick]`: wasm-mlp training on one thread against two threads
// and threads: 'auto', each workload's contenders in one process, in many short interleaved
// rounds. The speed-up is the median over rounds of each round's ratio to one thread, so
// load that drifts over seconds (other processes on a shared machine) cancels out of it.
// Prints a table and writes bench/threads-results.json. Every contender trains the same network from the same seed on
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
  { id: 'mnist-step', title: '784-128-10, step(X, Y) on a batch of 64 from a typed array', mode: 'step', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 64, count: 64, calls: 20, data: (n) => classification(n, 784, 10, 1) },
  { id: 'seed', title: "the seed's 2-1-1 (relu, mse), full-batch fit", layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', batchSize: 2, count: 2, epochs: quick ? 20000 : 100000, data: () => ({ x: new Float32Array([2, 1, -3, 2]), oneHot: new Float32Array([1.3, 1.9]) }) },
  { id: 'toy', title: '2-D toy: 2-32-32-2 tanh/softmax on two moons, batch 32 (fit)', layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], batchSize: 32, count: 1024, epochs: quick ? 5 : 20, data: (n) => moons(n) },
];
// BENCH_BASELINE=<a checkout, built>: its build also runs on 1 and 2 threads in the same rounds,
// for before/after ratios (each row's speed-up stays relative to this build's one thread).
const baseline = process.env.BENCH_BASELINE ? await import(pathToFileURL(`${process.env.BENCH_BASELINE}/dist/index.js`).href) : null;
const CONTENDERS = [
  ...[1, 2, 'auto'].map((threads) => ({ threads, lib: current, label: String(threads) })),
  ...(baseline ? [1, 2].map((threads) => ({ threads, lib: baseline, label: `${threads}, baseline build` })) : []),
];
const { kernelVariant } = current;

async function prepare(w, { threads, lib: { MLP } }) {
  const loss = w.loss ?? 'cross-entropy';
  const net = await MLP.create({ layers: w.layers, activations: w.activations, loss, seed: 1, threads });
  const { x, labels, oneHot } = w.data(w.count);
  const Y = loss === 'cross-entropy' ? labels : oneHot;
  if (w.mode === 'step') {
    return { net, samples: w.calls * w.batchSize, run: () => { for (let i = 0; i < w.calls; i++) net.step(x, Y); } };
  }
  return { net, samples: w.epochs * w.count, run: () => { net.fit(x, Y, { epochs: w.epochs, batchSize: w.batchSize, shuffle: true }); } };
}

async function medianMs(task) {
  const bench = new Bench({ time: TIME, iterations: 3, warmupTime: Math.min(100, TIME), warmupIterations: 1, throws: true });
  bench.add('run', task.run);
  await bench.run();
  return bench.tasks[0].result.latency.p50;
}

const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const results = [];
for (const w of WORKLOADS) {
  const tasks = [];
  for (const contender of CONTENDERS) tasks.push({ ...contender, ...(await prepare(w, contender)) });
  const times = tasks.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < tasks.length; i++) times[i].push(await medianMs(tasks[i]));
  }
  for (let i = 0; i < tasks.length; i++) {
    const ms = median(times[i]);
    const speedup = median(times[i].map((t, round) => times[0][round] / t));
    results.push({ workload: w.id, title: w.title, threads: tasks[i].threads, label: tasks[i].label, used: tasks[i].net.threads, samplesPerSecond: (tasks[i].samples / ms) * 1000, ms, speedup });
    tasks[i].net.dispose();
  }
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} logical cores, Node ${process.version}, kernels '${kernelVariant()}'`;
console.log(`wasm-mlp multi-core training — ${machine}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}`);
console.log(`(float32; samples/s: median over ${ROUNDS} interleaved rounds; speed-up: median of the rounds' ratios to threads: 1)\n`);
for (const w of WORKLOADS) {
  console.log(w.title);
  for (const r of results.filter((r) => r.workload === w.id)) {
    const label = r.threads === 'auto' ? `auto (${r.used})` : r.label;
    console.log(`  threads ${label.padEnd(20)} ${r.samplesPerSecond.toFixed(0).padStart(12)} samples/s   ×${r.speedup.toFixed(2)}`);
  }
}
writeFileSync(new URL('./threads-results.json', import.meta.url), JSON.stringify({ machine, date: new Date().toISOString(), quick, results }, null, 2) + '\n');
