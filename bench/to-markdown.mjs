// Prints bench/results.json as the Markdown tables BENCHMARKS.md records.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
const format = (v) => (!Number.isFinite(v) ? 'n/a' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)} k` : v >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log(`${results.cpu}, Node ${results.node}, kernels '${results.kernelVariant}', ${results.rounds} rounds, ${results.date}\n`);
for (const w of results.workloads) {
  console.log(`#### ${w.title}\n\n| contender | ${w.metric} (median) | best run | ${w.base ?? 'wasm-mlp f32'} ÷ this |\n| --- | ---: | ---: | ---: |`);
  for (const r of w.rows) {
    console.log(`| ${r.contender} | ${r.error ? `failed: ${r.error}` : format(r.median)} | ${format(r.best)} | ${r.ratioOfF32 ? `×${r.ratioOfF32.toFixed(2)}` : ''} |`);
  }
  console.log('');
}
