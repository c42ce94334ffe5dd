// `BENCH_BASELINE=<built checkout> node bench/gemm-baseline.mjs`: this tree's GEMM kernels against
// another build's, same dtype and variant (the one this Node runs), with this machine's wasm
// peak in the same rounds. Every call is checked against the JavaScript reference first
// (bench/gemm.mjs), both builds on the same operands. Each round times every cell once, in an
// order that rotates; a cell's figure is its median over rounds, and the speed-up is the median
// of the rounds' ratios (load that drifts between rounds cancels out of it), with its quartiles.
// `--only=<product>` (forward, weightGradient, inputGradient) narrows it; BENCH_ROUNDS sets rounds.
import './optimized-wasm.mjs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { kernelVariant } from '../dist/index.js';
import { loadKernels } from './kernels.mjs';
import { PRODUCTS, gemmCall } from './gemm.mjs';
import { peakProbe } from './peak.mjs';

if (!process.env.BENCH_BASELINE) throw new Error('BENCH_BASELINE=<a built checkout> is required: the build to compare with');
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 15;
// Every layer of 784-128-10 b64, 784-512-512-10 b128 and the digits-shaped 64-100-10 b32.
const SHAPES = [[64, 784, 128], [64, 128, 10], [128, 784, 512], [128, 512, 512], [128, 512, 10], [32, 64, 100], [32, 100, 10]];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const variant = kernelVariant();
const level = variant === 'scalar' ? 'simd' : variant;
const builds = {
  this: loadKernels('f32', variant),
  baseline: loadKernels('f32', variant, pathToFileURL(`${process.env.BENCH_BASELINE}/src/wasm/build/`)),
};
const peak = await peakProbe('f32', level);

/** ms per call: calls repeated for at least ~4 ms of CPU time, the lesser of wall and process CPU. */
function timed(run, calls) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return Math.min(wall, (c.user + c.system) / 1000) / calls;
}
/** Calls per sample: enough for ~4 ms. */
function callsFor(run) {
  const once = Math.max(timed(run, 1), 1e-3);
  return Math.max(1, Math.round(4 / once));
}
const quantile = (values, q) => { const s = [...values].sort((a, b) => a - b); const i = (s.length - 1) * q; const lo = Math.floor(i); return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo); };
const gflops = (flops, ms) => flops / (ms / 1000) / 1e9;

const results = [];
for (const product of PRODUCTS.filter((p) => !only || p === only)) {
  for (const [m, k, n] of SHAPES) {
    if (product === 'inputGradient' && k === 784) continue; // a first layer's δ·W is never computed
    const cells = [
      ...Object.entries(builds).map(([key, build]) => ({ key, flops: 2 * m * n * k, run: gemmCall(build, product, m, k, n, `${key} build`) })),
      { key: 'peak', flops: peak.flops, run: peak.run },
    ];
    for (const c of cells) { c.calls = callsFor(c.run); c.times = []; }
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < cells.length; i++) {
        const c = cells[(i + round) % cells.length];
        c.times.push(timed(c.run, c.calls));
      }
    }
    const t = Object.fromEntries(cells.map((c) => [c.key, c]));
    const rate = (c) => gflops(c.flops, quantile(c.times, 0.5));
    const ratios = t.this.times.map((v, r) => t.baseline.times[r] / v);
    const peakRate = rate(t.peak);
    const row = {
      product, shape: `${m}×${k}×${n}`,
      this: rate(t.this), baseline: rate(t.baseline), peak: peakRate,
      speedup: { median: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) },
    };
    results.push(row);
    console.log(`${product} ${row.shape}: this ${row.this.toFixed(1)} GFLOP/s (${(100 * row.this / peakRate).toFixed(0)}% of peak), baseline ${row.baseline.toFixed(1)} (${(100 * row.baseline / peakRate).toFixed(0)}%), peak ${peakRate.toFixed(1)}; speed-up ×${row.speedup.median.toFixed(2)} (IQR ${row.speedup.q1.toFixed(2)}–${row.speedup.q3.toFixed(2)})`);
  }
}
console.log(`${os.cpus()[0]?.model}, Node ${process.version}, kernels '${variant}', f32, peak probe ${peak.tile} (${level}), ${ROUNDS} rounds, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
console.log(JSON.stringify(results));
