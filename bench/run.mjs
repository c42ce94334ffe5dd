// `npm run bench [-- --quick]`: every workload on every contender in one process, rounds
// interleaved (each round runs each contender once), medians over rounds, and ratios to
// wasm-mlp float32. Prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { Bench } from 'tinybench';
import { supportedKernelVariants, kernelVariant } from '../dist/index.js';
import * as math from '../dist/js/math.js';
import { classification, moons } from './data.mjs';
import { loadKernels } from './kernels.mjs';
import { brainJs, pytorch, tfjs, wasmMlp } from './contenders.mjs';
import { predictCells } from './predict.mjs';

const quick = process.argv.includes('--quick');
// `--only=predict` runs just the inference tables (the others take minutes); `--only=<workload
// id>` (e.g. `--only=seed-step`) just that training workload.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const ROUNDS = quick ? 1 : 3;
const TIME = quick ? 40 : 300; // ms of timing per contender per round

const memo = (make) => { const cache = new Map(); return (count) => { if (!cache.has(count)) cache.set(count, make(count)); return cache.get(count); }; };
const mnistLike = memo((count) => classification(count, 784, 10, 1));
const seedData = () => ({ x: new Float32Array([2, 1, -3, 2]), oneHot: new Float32Array([1.3, 1.9]), labels: null, count: 2 });
const MLP_PARAMS_3 = 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10;

/** The training workloads. `unit` is what one run's `units` count; `scale` turns a rate into the printed metric. */
const WORKLOADS = [
  { id: 'seed-fit', title: 'seed 2-1-1 (relu, mse), full-batch fit', unit: 'steps', metric: 'steps/s', layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', batchSize: 2, learningRate: 0.01, data: seedData, count: 2, epochs: quick ? 20000 : 100000, tfEpochs: 20, brainEpochs: 5000, torchEpochs: 500 },
  { id: 'seed-step', title: 'seed 2-1-1, step(X, Y) from JS arrays', unit: 'steps', metric: 'calls/s', mode: 'step', layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', learningRate: 0.01, data: seedData, count: 2, calls: 2000, tfCalls: 20, torchCalls: 200 },
  { id: 'mnist-fit', title: '784-128-10 relu/softmax, cross-entropy, SGD batch 64', unit: 'samples', metric: 'samples/s', layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', batchSize: 64, learningRate: 0.01, data: mnistLike, count: quick ? 512 : 4096, smallCount: quick ? 64 : 256, brainCount: 64, epochs: quick ? 2 : 3 },
  { id: 'wide-fit', title: '784-512-512-10 relu/softmax, SGD batch 128', unit: 'samples', metric: 'GFLOP/s', scale: (6 * MLP_PARAMS_3) / 1e9, layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy', batchSize: 128, learningRate: 0.01, data: mnistLike, count: quick ? 256 : 1024, smallCount: 128, noBrain: true, epochs: 1 },
  { id: 'toy-fit', title: '2-D toy: 2-32-32-2 tanh/softmax on two moons, batch 32', unit: 'samples', metric: 'samples/s', layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cross-entropy', batchSize: 32, learningRate: 0.05, data: memo((n) => moons(n)), count: 1024, brainCount: 256, epochs: quick ? 5 : 20 },
];

const GEMM_SHAPES = quick ? [[64, 784, 128], [256, 256, 256], [64, 33, 10]] : [[64, 784, 128], [256, 256, 256], [64, 100, 33], [64, 33, 10], [128, 784, 512]];
const PRODUCTS = ['forward', 'weightGradient', 'inputGradient'];

// BENCH_BASELINE=<a checkout, built>: its wasm-mlp runs beside this one, for before/after ratios
// in one run. BENCH_ONLY=<prefix>: only the contenders whose name starts with it.
const baseline = process.env.BENCH_BASELINE ? await import(pathToFileURL(`${process.env.BENCH_BASELINE}/dist/index.js`).href) : null;
const contenders = [
  wasmMlp('wasm-mlp f32'),
  ...(baseline ? [wasmMlp('wasm-mlp f32, baseline build', { lib: baseline })] : []),
  wasmMlp('wasm-mlp f64', { dtype: 'float64' }),
  ...(supportedKernelVariants().includes('relaxed-simd') ? [wasmMlp('wasm-mlp f32 simd (no FMA)', { variant: 'simd' })] : []),
  wasmMlp('wasm-mlp f32 scalar build', { variant: 'scalar' }),
  wasmMlp('wasm-mlp js backend', { backend: 'js' }),
  tfjs('tfjs-layers wasm', 'wasm'),
  tfjs('tfjs-layers cpu', 'cpu'),
  brainJs('brain.js 1.6.1'),
  pytorch('PyTorch CPU 1 thread'),
].filter((c) => c && (!process.env.BENCH_ONLY || c.name.startsWith(process.env.BENCH_ONLY)));

/** Median ms per run of one prepared task: tinybench for JS, the Python loop for PyTorch. */
async function timeOnce(contender, task) {
  await contender.before?.();
  if (task.measure) {
    const { median_ms: ms, min_ms: best, units } = await task.measure(TIME);
    task.units = units;
    return { ms, best };
  }
  const bench = new Bench({ time: TIME, iterations: quick ? 1 : 3, warmupTime: Math.min(50, TIME), warmupIterations: 1, throws: true });
  bench.add(contender.name, task.run);
  await bench.run();
  const { latency } = bench.tasks[0].result;
  return { ms: latency.p50, best: latency.min };
}

/** Rounds × contenders, interleaved; returns the median over rounds of each contender's median, and its best run. */
async function interleave(cells) {
  const times = cells.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < cells.length; i++) {
      try {
        times[i].push(await timeOnce(cells[i].contender, cells[i].task));
      } catch (error) {
        cells[i].error = String(error?.message ?? error);
      }
    }
  }
  return cells.map((cell, i) => ({ ...cell, ms: median(times[i].map((t) => t.ms)), best: Math.min(...times[i].map((t) => t.best)) }));
}

function median(values) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, quick, rounds: ROUNDS, kernelVariant: kernelVariant(), workloads: [] };

for (const w of WORKLOADS.filter((w) => !only || w.id === only)) {
  const cells = [];
  for (const contender of contenders) {
    const prepared = await contender.prepare(w).catch((error) => ({ error }));
    if (!prepared) continue;
    if (prepared.error) { cells.push({ contender, error: String(prepared.error.message ?? prepared.error) }); continue; }
    cells.push({ contender, task: prepared, units: prepared.units });
  }
  const measured = await interleave(cells.filter((c) => c.task));
  const rowsOut = [...measured, ...cells.filter((c) => !c.task)].map((c) => ({ contender: c.contender.name, ms: c.ms, best: c.best, units: c.task?.units, error: c.error }));
  report(w.title, w.metric, rowsOut.map((r) => ({ ...r, value: r.error ? NaN : rate(r.units, r.ms, w), bestValue: r.error ? NaN : rate(r.units, r.best, w) })));
  for (const c of cells) c.task?.dispose?.();
}

/** The workload's metric for one measured cell. */
function rate(units, ms, w) {
  const perSecond = (units ?? 1) / (ms / 1000);
  return w.scale ? perSecond * w.scale : perSecond;
}

// Inference: ratios are to predictInto, so the bare kernels' ratio says how close predict comes to them.
for (const [batch, calls] of !only || only === 'predict' ? [[1, 20], [256, 1]] : []) {
  const { cells, dispose } = await predictCells(batch, quick ? 1 : calls);
  const measured = await interleave(cells);
  report(`predict 784-128-10 relu/softmax, ${batch === 1 ? '1 sample' : `batch ${batch}`} per call`, 'samples/s', measured.map((c) => ({ contender: c.contender.name, ms: c.ms, best: c.best, value: c.error ? NaN : rate(c.task.units, c.ms, {}), bestValue: c.error ? NaN : rate(c.task.units, c.best, {}), error: c.error })), 'wasm-mlp f32 predictInto');
  dispose();
}

// Raw GEMM products.
const builds = [
  ['wasm-mlp f32', loadKernels('f32', kernelVariant())],
  ...(kernelVariant() === 'relaxed-simd' ? [['wasm-mlp f32 simd (no FMA)', loadKernels('f32', 'simd')]] : []),
  ['wasm-mlp f64', loadKernels('f64', kernelVariant())],
  ['wasm-mlp f32 scalar build', loadKernels('f32', 'scalar')],
];
for (const product of only ? [] : PRODUCTS) {
  for (const [m, k, n] of GEMM_SHAPES) {
    const cells = [];
    for (const [name, build] of builds) cells.push({ contender: { name }, task: { run: gemmKernel(build, product, m, k, n) } });
    if (m * n * k <= 256 ** 3) cells.push({ contender: { name: 'wasm-mlp js backend' }, task: { run: gemmJs(product, m, k, n) } });
    for (const c of contenders.filter((c) => c.gemm)) {
      if (c.name.includes('cpu') && m * n * k > 256 ** 3) continue;
      const run = await c.gemm(m, k, n, product);
      cells.push({ contender: c, task: typeof run === 'function' ? { run } : run });
    }
    const measured = await interleave(cells);
    const flops = 2 * m * n * k;
    report(`GEMM ${product} M×K×N = ${m}×${k}×${n}`, 'GFLOP/s', measured.map((c) => ({ contender: c.contender.name, ms: c.ms, best: c.best, value: c.error ? NaN : flops / (c.ms / 1000) / 1e9, bestValue: c.error ? NaN : flops / (c.best / 1000) / 1e9, error: c.error })));
  }
}
contenders.forEach((c) => c.close?.());

function gemmKernel({ k: wasm, matrix }, product, m, k, n) {
  const r = () => Math.random() - 0.5;
  const x = matrix(m * k, r), w = matrix(n * k, r), b = matrix(n, r), d = matrix(m * n, r);
  const out = matrix(Math.max(m * n, n * k, m * k)), a = matrix(Math.max(m * n, m * k)), gb = matrix(n);
  if (product === 'forward') return () => wasm.denseForward(out.ptr, a.ptr, x.ptr, w.ptr, b.ptr, n, k, 0, 0, m);
  if (product === 'weightGradient') return () => wasm.weightGradient(out.ptr, gb.ptr, d.ptr, x.ptr, m, n, k, 0, n);
  return () => wasm.inputGradient(out.ptr, d.ptr, w.ptr, x.ptr, 0, n, k, 0, m);
}

function gemmJs(product, m, k, n) {
  const r = (len) => Float32Array.from({ length: len }, () => Math.random() - 0.5);
  const x = r(m * k), w = r(n * k), b = r(n), d = r(m * n);
  if (product === 'forward') { const out = new Float32Array(m * n); return () => math.denseForward(out, x, w, b, m, n, k); }
  if (product === 'weightGradient') { const gw = new Float32Array(n * k), gb = new Float32Array(n); return () => math.weightGradient(gw, gb, d, x, m, n, k); }
  const dx = new Float32Array(m * k);
  return () => math.inputGradient(dx, d, w, m, n, k);
}

function report(title, metric, rows, baseName = 'wasm-mlp f32') {
  const base = rows.find((r) => r.contender === baseName)?.value;
  console.log(`\n${title}  (${metric}: median, best run; ratio = ${baseName} ÷ contender, on medians)`);
  for (const r of rows) {
    const value = Number.isFinite(r.value) ? `${format(r.value).padStart(10)} ${format(r.bestValue).padStart(10)}` : `failed: ${r.error ?? 'n/a'}`;
    const ratio = Number.isFinite(r.value) && base ? `×${(base / r.value).toFixed(2)}` : '';
    console.log(`  ${r.contender.padEnd(28)} ${value}  ${ratio}`);
  }
  results.workloads.push({ title, metric, base: baseName, rows: rows.map((r) => ({ contender: r.contender, median: r.value, best: r.bestValue, medianMs: r.ms, bestMs: r.best, ratioOfF32: base && r.value ? base / r.value : null, error: r.error })) });
}

function format(v) {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  if (v >= 100) return v.toFixed(0);
  return v.toFixed(2);
}

writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2));
console.log(`\n${os.cpus()[0]?.model}, Node ${process.version}, kernels '${kernelVariant()}', ${ROUNDS} round(s) × ${TIME} ms per cell. Wrote bench/results.json.`);
