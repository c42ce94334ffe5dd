// `npm run bench [-- --quick]`: every workload on every contender in one process, rounds
// interleaved (each round runs each contender once), medians over rounds, and ratios to
// wasm-mlp float32. Every kernel is checked against the JavaScript reference before it is
// timed; GEMMs are reported as GFLOP/s and as a share of this machine's wasm peak, measured in
// the same rounds (bench/peak.mjs); a whole step is split by phase (bench/phases.mjs). Prints
// the tables, writes bench/results.json and, on a full run, the tables into BENCHMARKS.md.
// See docs/internals/benchmarking.md.
import './optimized-wasm.mjs';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { MLP, supportedKernelVariants, kernelVariant } from '../dist/index.js';
import * as math from '../dist/js/math.js';
import { classification, moons } from './data.mjs';
import { loadKernels } from './kernels.mjs';
import { brainJs, pythonWith, pytorch, tfjs, wasmMlp } from './contenders.mjs';
import { predictCells } from './predict.mjs';
import { PRODUCTS, gemmCall } from './gemm.mjs';
import { peakProbe } from './peak.mjs';
import { phaseCalls } from './phases.mjs';
import { writeBenchmarks } from './to-markdown.mjs';

const quick = process.argv.includes('--quick');
// `--only=predict` runs just the inference tables (the others take minutes), `--only=gemm` the
// GEMM tables, `--only=phases` the step's phase tables; `--only=<workload id>` (e.g.
// `--only=seed-step`) just that training workload.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const ROUNDS = quick ? 1 : 5;
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
  { id: 'mnist-fit-adam', title: '784-128-10 relu/softmax, cross-entropy, Adam batch 64', optimizer: 'adam', unit: 'samples', metric: 'samples/s', layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', batchSize: 64, learningRate: 0.001, data: mnistLike, count: quick ? 512 : 4096, smallCount: quick ? 64 : 256, noBrain: true, epochs: quick ? 2 : 3 },
  { id: 'wide-fit', title: '784-512-512-10 relu/softmax, SGD batch 128', unit: 'samples', metric: 'GFLOP/s', scale: (6 * MLP_PARAMS_3) / 1e9, layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy', batchSize: 128, learningRate: 0.01, data: mnistLike, count: quick ? 256 : 1024, smallCount: 128, noBrain: true, epochs: 1 },
  { id: 'wide-fit-adam', title: '784-512-512-10 relu/softmax, Adam batch 128', optimizer: 'adam', unit: 'samples', metric: 'GFLOP/s', scale: (6 * MLP_PARAMS_3) / 1e9, layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy', batchSize: 128, learningRate: 0.001, data: mnistLike, count: quick ? 256 : 1024, smallCount: 128, noBrain: true, epochs: 1 },
  // The shape of scikit-learn's digits (1,347 training rows of 64 pixels, 10 classes) on synthetic rows.
  { id: 'digits-fit', title: 'digits-shaped 64-100-10 relu/softmax, Adam batch 32, 1,347 rows', optimizer: 'adam', unit: 'samples', metric: 'samples/s', layers: [64, 100, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', batchSize: 32, learningRate: 0.001, data: memo((n) => classification(n, 64, 10, 4)), count: 1347, smallCount: 256, noBrain: true, epochs: quick ? 2 : 10 },
  { id: 'toy-fit', title: '2-D toy: 2-32-32-2 tanh/softmax on two moons, batch 32', unit: 'samples', metric: 'samples/s', layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cross-entropy', batchSize: 32, learningRate: 0.05, data: memo((n) => moons(n)), count: 1024, brainCount: 256, epochs: quick ? 5 : 20 },
];

// [M batch rows, K inputs, N outputs]: every layer of 784-128-10 b64 and 784-512-512-10 b128,
// and the digits-shaped 64-100-10 b32.
const GEMM_SHAPES = quick ? [[64, 784, 128], [64, 128, 10], [128, 512, 512]] : [[64, 784, 128], [64, 128, 10], [128, 784, 512], [128, 512, 512], [128, 512, 10], [32, 64, 100], [32, 100, 10]];
// The whole-step phase tables: both optimizers of each network.
const PHASE_WORKLOADS = [
  { title: '784-128-10 relu/softmax, batch 64', layers: [784, 128, 10], activations: ['relu', 'softmax'], batchSize: 64 },
  { title: '784-512-512-10 relu/softmax, batch 128', layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], batchSize: 128 },
  { title: 'digits-shaped 64-100-10 relu/softmax, batch 32', layers: [64, 100, 10], activations: ['relu', 'softmax'], batchSize: 32 },
];
if (!pythonWith('sklearn')) console.log('scikit-learn digits comparison: skipped (no python3 here can import sklearn)');

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

/**
 * Median ms per run of one prepared task, and its best run, in CPU time: on a machine shared
 * with other work, wall time mostly measures the scheduler (identical code read ×0.82–×1.36 in
 * wall time, ×0.99–×1.02 in CPU time, in the same minute). Each run counts the lesser of its
 * wall time and the process's CPU time (process.cpuUsage), both upper bounds of this thread's
 * time: the first counts time spent descheduled, the second V8's helper threads. (Node 24's
 * process.threadCpuUsage would be the thread's own clock, but here it ticks in milliseconds:
 * 0 for most runs under a millisecond.) Every JavaScript contender runs on this thread; the
 * wall time is kept beside it (wallMs). PyTorch is timed by its own process, in wall time.
 */

async function timeOnce(contender, task) {
  await contender.before?.();
  if (task.measure) {
    const { median_ms: ms, min_ms: best, units } = await task.measure(TIME);
    task.units = units;
    return { ms, best, wall: ms };
  }
  await task.run(); // warm-up
  const cpu = [], wall = [];
  const end = performance.now() + TIME;
  while (cpu.length < (quick ? 1 : 3) || performance.now() < end) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await task.run();
    const w = performance.now() - w0;
    const c = process.cpuUsage(c0);
    cpu.push(Math.min(w, (c.user + c.system) / 1000));
    wall.push(w);
  }
  return { ms: median(cpu), best: Math.min(...cpu), wall: median(wall) };
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
  return cells.map((cell, i) => ({ ...cell, ms: median(times[i].map((t) => t.ms)), best: Math.min(...times[i].map((t) => t.best)), wallMs: median(times[i].map((t) => t.wall)) }));
}

function median(values) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, load: os.loadavg(), quick, rounds: ROUNDS, kernelVariant: kernelVariant(), workloads: [], phases: [] };
console.log(`${results.cpu}, Node ${process.version}, kernels '${kernelVariant()}', load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);

for (const w of WORKLOADS.filter((w) => !only || w.id === only)) {
  const cells = [];
  for (const contender of contenders) {
    const prepared = await contender.prepare(w).catch((error) => ({ error }));
    if (!prepared) continue;
    if (prepared.error) { cells.push({ contender, error: String(prepared.error.message ?? prepared.error) }); continue; }
    cells.push({ contender, task: prepared, units: prepared.units });
  }
  const measured = await interleave(cells.filter((c) => c.task));
  const rowsOut = [...measured, ...cells.filter((c) => !c.task)].map((c) => ({ contender: c.contender.name, ms: c.ms, best: c.best, wallMs: c.wallMs, units: c.task?.units, error: c.error }));
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
  report(`predict 784-128-10 relu/softmax, ${batch === 1 ? '1 sample' : `batch ${batch}`} per call`, 'samples/s', measured.map((c) => ({ contender: c.contender.name, ms: c.ms, best: c.best, wallMs: c.wallMs, value: c.error ? NaN : rate(c.task.units, c.ms, {}), bestValue: c.error ? NaN : rate(c.task.units, c.best, {}), error: c.error })), 'wasm-mlp f32 predictInto');
  dispose();
}

// Raw GEMM products, each build's call checked first (bench/gemm.mjs), beside this machine's
// wasm peak in the same rounds: the probe of each dtype at the level each build runs.
const level = kernelVariant() === 'scalar' ? 'simd' : kernelVariant();
const peaks = {
  f32: await peakProbe('f32', level),
  ...(level === 'relaxed-simd' ? { 'f32 simd': await peakProbe('f32', 'simd') } : {}),
  f64: await peakProbe('f64', level),
};
const builds = [
  ['wasm-mlp f32', loadKernels('f32', kernelVariant()), 'f32'],
  ...(kernelVariant() === 'relaxed-simd' ? [['wasm-mlp f32 simd (no FMA)', loadKernels('f32', 'simd'), 'f32 simd']] : []),
  ['wasm-mlp f64', loadKernels('f64', kernelVariant()), 'f64'],
  ['wasm-mlp f32 scalar build', loadKernels('f32', 'scalar'), null],
];
const peakCells = () => Object.entries(peaks).map(([key, p]) => ({ contender: { name: `${p.name}, ${key}` }, peak: key, flops: p.flops, task: { run: p.run } }));
const gflops = (flops, ms) => flops / (ms / 1000) / 1e9;
/** Each cell's GFLOP/s, and its share of the peak it is measured against (its build's dtype and level). */
function gemmRows(measured, flops) {
  const peakOf = Object.fromEntries(measured.filter((c) => c.peak).map((c) => [c.peak, gflops(c.flops, c.ms)]));
  return measured.map((c) => {
    const value = c.error ? NaN : gflops(c.flops ?? flops, c.ms);
    return { contender: c.contender.name, ms: c.ms, best: c.best, wallMs: c.wallMs, value, bestValue: c.error ? NaN : gflops(c.flops ?? flops, c.best), share: c.peakKey && peakOf[c.peakKey] ? value / peakOf[c.peakKey] : undefined, error: c.error };
  });
}
for (const product of !only || only === 'gemm' ? PRODUCTS : []) {
  for (const [m, k, n] of GEMM_SHAPES) {
    const cells = [];
    for (const [name, build, peakKey] of builds) cells.push({ contender: { name }, peakKey, task: { run: gemmCall(build, product, m, k, n, name) } });
    if (m * n * k <= 256 ** 3) cells.push({ contender: { name: 'wasm-mlp js backend' }, task: { run: gemmJs(product, m, k, n) } });
    for (const c of contenders.filter((c) => c.gemm)) {
      if (c.name.includes('cpu') && m * n * k > 256 ** 3) continue;
      const run = await c.gemm(m, k, n, product);
      cells.push({ contender: c, task: typeof run === 'function' ? { run } : run });
    }
    cells.push(...peakCells());
    const measured = await interleave(cells);
    report(`GEMM ${product} M×K×N = ${m}×${k}×${n}`, 'GFLOP/s', gemmRows(measured, 2 * m * n * k));
  }
}

// A step split by phase, SGD beside Adam, with the whole step as fit takes it on one thread.
for (const w of !only || only === 'phases' ? PHASE_WORKLOADS : []) {
  const build = loadKernels('f32', kernelVariant());
  const steps = 16;
  const { x, labels } = w.layers[0] === 784 ? mnistLike(w.batchSize * steps) : classification(w.batchSize * steps, w.layers[0], w.layers.at(-1), 1);
  const cells = [];
  const stepCell = async (name, lib, optimizer) => {
    const net = await lib.MLP.create({ layers: w.layers, activations: w.activations, loss: 'cross-entropy', seed: 1, threads: 1 });
    const options = { epochs: 1, batchSize: w.batchSize, optimizer: { type: optimizer, learningRate: 1e-3 } };
    return { contender: { name }, optimizer, step: true, steps, task: { run: () => net.fit(x, labels, options), dispose: () => net.dispose() } };
  };
  for (const optimizer of ['sgd', 'adam']) {
    cells.push(await stepCell(`whole step, ${optimizer}`, { MLP }, optimizer));
    if (baseline) cells.push(await stepCell(`whole step, ${optimizer}, baseline build`, baseline, optimizer));
  }
  for (const optimizer of ['sgd', 'adam']) {
    for (const p of phaseCalls(build, { ...w, optimizer }, 'wasm-mlp f32')) {
      // The GEMM and guard phases are the same for both optimizers: measured once.
      if (optimizer === 'adam' && !p.phase.startsWith('optimizer')) continue;
      cells.push({ contender: { name: p.phase }, flops: p.flops, peakKey: p.flops ? 'f32' : undefined, task: { run: p.run } });
    }
  }
  cells.push(...peakCells().filter((c) => c.peak === 'f32'));
  const measured = await interleave(cells);
  phaseReport(w, measured);
  for (const c of cells) c.task.dispose?.();
}
contenders.forEach((c) => c.close?.());

function gemmJs(product, m, k, n) {
  const r = (len) => Float32Array.from({ length: len }, () => Math.random() - 0.5);
  const x = r(m * k), w = r(n * k), b = r(n), d = r(m * n);
  if (product === 'forward') { const out = new Float32Array(m * n); return () => math.denseForward(out, x, w, b, m, n, k); }
  if (product === 'weightGradient') { const gw = new Float32Array(n * k), gb = new Float32Array(n); return () => math.weightGradient(gw, gb, d, x, m, n, k); }
  const dx = new Float32Array(m * k);
  return () => math.inputGradient(dx, d, w, m, n, k);
}

/** The phase table: µs per step of each phase, its part of each optimizer's step, GEMM rates and their share of the peak. */
function phaseReport(w, measured) {
  const peak = measured.find((c) => c.peak);
  const peakRate = peak ? gflops(peak.flops, peak.ms) : NaN;
  const stepUs = (c) => (c.ms * 1000) / c.steps;
  const whole = Object.fromEntries(measured.filter((c) => c.step).map((c) => [c.contender.name, stepUs(c)]));
  const sgd = whole['whole step, sgd'], adam = whole['whole step, adam'];
  const rows = [];
  for (const c of measured) {
    if (c.peak) continue;
    const us = c.step ? stepUs(c) : c.ms * 1000;
    const of = c.step ? (c.optimizer === 'sgd' ? sgd : adam) : c.contender.name.includes('adam') ? adam : c.contender.name.includes('sgd') ? sgd : null;
    const rate = c.flops ? gflops(c.flops, c.ms) : undefined;
    rows.push({ phase: c.contender.name, us, ofSgd: c.contender.name.includes('adam') || c.optimizer === 'adam' ? undefined : us / sgd, ofAdam: c.contender.name.includes('sgd') || c.optimizer === 'sgd' ? undefined : us / adam, gflops: rate, share: rate ? rate / peakRate : undefined, error: c.error, of });
  }
  const kernels = (optimizer) => rows.filter((r) => !r.phase.startsWith('whole') && (!r.phase.startsWith('optimizer') || r.phase.includes(optimizer))).reduce((s, r) => s + r.us, 0);
  rows.push({ phase: 'rest: loss and output δ, the batch gather, calls', ofSgd: (sgd - kernels('sgd')) / sgd, ofAdam: (adam - kernels('adam')) / adam, us: undefined, restSgd: sgd - kernels('sgd'), restAdam: adam - kernels('adam') });
  const title = `step phases ${w.title}, float32, one thread`;
  console.log(`\n${title}  (µs per step: median over rounds; part of the SGD / Adam step; GEMMs' GFLOP/s and share of the ${peakRate.toFixed(1)} GFLOP/s peak)`);
  for (const r of rows) {
    const us = r.us !== undefined ? r.us.toFixed(1) : `${r.restSgd.toFixed(1)} / ${r.restAdam.toFixed(1)}`;
    const parts = [r.ofSgd, r.ofAdam].map((v) => (v === undefined ? '' : `${(100 * v).toFixed(1)}%`)).join(' / ');
    const rate = r.gflops ? `${r.gflops.toFixed(1)} GFLOP/s, ${(100 * r.share).toFixed(0)}% of peak` : '';
    console.log(`  ${r.phase.padEnd(44)} ${r.error ? `failed: ${r.error}` : us.padStart(14)}  ${parts.padEnd(16)} ${rate}`);
  }
  const ratios = { adamOverSgd: adam / sgd, ...(baseline ? { sgdSpeedup: whole['whole step, sgd, baseline build'] / sgd, adamSpeedup: whole['whole step, adam, baseline build'] / adam } : {}) };
  console.log(`  Adam step ÷ SGD step: ×${ratios.adamOverSgd.toFixed(2)}${baseline ? `; baseline build ÷ this build: SGD ×${ratios.sgdSpeedup.toFixed(2)}, Adam ×${ratios.adamSpeedup.toFixed(2)}` : ''}`);
  results.phases.push({ title, peak: peakRate, rows, ratios });
}

function report(title, metric, rows, baseName = 'wasm-mlp f32') {
  const base = rows.find((r) => r.contender === baseName)?.value;
  console.log(`\n${title}  (${metric} in CPU time: median, best run; ratio = ${baseName} ÷ contender, on medians)`);
  for (const r of rows) {
    const value = Number.isFinite(r.value) ? `${format(r.value).padStart(10)} ${format(r.bestValue).padStart(10)}` : `failed: ${r.error ?? 'n/a'}`;
    const ratio = Number.isFinite(r.value) && base ? `×${(base / r.value).toFixed(2)}` : '';
    const share = r.share !== undefined ? `  ${(100 * r.share).toFixed(0)}% of peak` : '';
    console.log(`  ${r.contender.padEnd(28)} ${value}  ${ratio.padEnd(7)}${share}`);
  }
  results.workloads.push({ title, metric, base: baseName, rows: rows.map((r) => ({ contender: r.contender, median: r.value, best: r.bestValue, medianMs: r.ms, bestMs: r.best, wallMs: r.wallMs, ratioOfF32: base && r.value ? base / r.value : null, share: r.share, error: r.error })) });
}

function format(v) {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  if (v >= 100) return v.toFixed(0);
  return v.toFixed(2);
}

results.loadAfter = os.loadavg();
const json = JSON.stringify(results, null, 2);
// BENCH_RESULTS=<path>: somewhere else than bench/results.json (two runs at once, e.g. Node 20 and 24).
writeFileSync(process.env.BENCH_RESULTS ?? new URL('./results.json', import.meta.url), json);
console.log(`\n${os.cpus()[0]?.model}, Node ${process.version}, kernels '${kernelVariant()}', ${ROUNDS} round(s) × ${TIME} ms per cell, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}. Wrote ${process.env.BENCH_RESULTS ?? 'bench/results.json'}.`);
// Only a full run replaces BENCHMARKS.md's tables (a partial one would drop the others); one
// with BENCH_ONLY writes the contenders it ran (Node 24's section holds wasm-mlp's builds only).
if (!quick && !only) console.log(`Wrote the tables into ${writeBenchmarks(results)}.`);
