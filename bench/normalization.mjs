// `npm run bench:normalization`: the speed cost of each normalization layer. A 784-128-128-10
// network (ReLU, softmax, cross-entropy, SGD) with no normalization, layer norm or batch norm on
// both hidden layers, timed in the same run: training steps on batches of 64 (threads 1 and 2;
// batch norm's statistics add 3 barriers per layer there) and predict on 256 rows. Rounds
// alternate the contenders and each ratio is the median over rounds of time(none) / time(norm),
// so slow phases of a shared machine hit every contender alike.
import os from 'node:os';
import { Bench } from 'tinybench';
import { MLP, kernelVariant } from '../dist/index.js';
import { classification } from './data.mjs';

const LAYERS = [784, 128, 128, 10];
const ACTS = ['relu', 'relu', 'softmax'];
const NORMS = [null, 'layer-norm', 'batch-norm'];
const TIME = Number(process.env.BENCH_TIME ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STEPS = 10;

const { x, labels } = classification(256, 784, 10, 3);
const batch = x.subarray(0, 64 * 784);
const batchLabels = Array.from(labels.subarray(0, 64));

async function task(workload, norm) {
  const net = await MLP.create({
    layers: LAYERS, activations: ACTS, loss: 'cross-entropy', seed: 1, threads: workload.threads,
    ...(norm && { normalization: [norm, norm] }),
  });
  net.setOptimizer({ type: 'sgd', learningRate: 0.01, momentum: 0.9 });
  const out = new Float32Array(256 * 10);
  const run = workload.kind === 'step' ? () => { for (let i = 0; i < STEPS; i++) net.step(batch, batchLabels); } : () => net.predictInto(x, out);
  return { net, run, samples: workload.kind === 'step' ? STEPS * 64 : 256 };
}

async function medianMs(run) {
  const bench = new Bench({ time: TIME, iterations: 3, warmupTime: Math.min(100, TIME), warmupIterations: 1, throws: true });
  bench.add('run', run);
  await bench.run();
  return bench.tasks[0].result.latency.p50;
}
const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const WORKLOADS = [
  { title: 'step, batch 64, 1 thread', kind: 'step', threads: 1 },
  { title: 'step, batch 64, 2 threads', kind: 'step', threads: 2 },
  { title: 'predictInto, 256 rows', kind: 'predict', threads: 1 },
];
console.log(`normalization cost on ${LAYERS.join('-')} float32; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} logical cores, Node ${process.version}, kernels '${kernelVariant()}', load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| workload | normalization | samples/s | time vs none |');
console.log('|---|---|---|---|');
for (const w of WORKLOADS) {
  const tasks = [];
  for (const norm of NORMS) tasks.push(await task(w, norm));
  const times = tasks.map(() => []);
  for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < tasks.length; i++) times[i].push(await medianMs(tasks[i].run));
  tasks.forEach((t, i) => {
    const ratio = median(times[i].map((ms, round) => ms / times[0][round]));
    console.log(`| ${w.title} | ${NORMS[i] ?? 'none'} | ${Math.round((t.samples / median(times[i])) * 1000).toLocaleString('en-US')} | ${ratio.toFixed(2)}× |`);
    t.net.dispose();
  });
}
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
