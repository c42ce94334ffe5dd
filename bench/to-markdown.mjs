// bench/results.json as Markdown tables, and the writer `npm run bench` uses to put them into
// BENCHMARKS.md between its marker comments (everything outside the markers is left alone).
//   node bench/to-markdown.mjs [results.json]           print the tables of the last run (or of that file)
//   node bench/to-markdown.mjs --write [results.json]   and write them into BENCHMARKS.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The markers of one Node major's tables ('v20.20.2' → node20): Node 20 and Node 24 runs each keep their own. */
export const markers = (node) => {
  const major = `node${String(node).replace(/^v/, '').split('.')[0]}`;
  return [`<!-- bench:begin ${major} -->`, `<!-- bench:end ${major} -->`];
};
const FILE = new URL('../BENCHMARKS.md', import.meta.url);

const format = (v) => (!Number.isFinite(v) ? 'n/a' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)} k` : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const percent = (v, digits = 0) => (Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '');

/** The Markdown of one run: its machine line, each workload's table, each phase table. */
export function markdown(results) {
  const load = (l) => (l ? l.map((x) => x.toFixed(2)).join(', ') : 'n/a');
  const out = [`${results.cpu}, Node ${results.node}, kernels '${results.kernelVariant}', ${results.rounds} interleaved rounds, ${results.date}; load average ${load(results.load)} at the start, ${load(results.loadAfter)} at the end (1, 5, 15 min).`, ''];
  for (const w of results.workloads) {
    const shares = w.rows.some((r) => r.share !== undefined && r.share !== null);
    out.push(`#### ${w.title}`, '', `| contender | ${w.metric} (median) | best run | ${w.base ?? 'wasm-mlp f32'} ÷ this |${shares ? ' share of peak |' : ''}`, `| --- | ---: | ---: | ---: |${shares ? ' ---: |' : ''}`);
    for (const r of w.rows) {
      out.push(`| ${r.contender} | ${r.error ? `failed: ${r.error}` : format(r.median)} | ${format(r.best)} | ${r.ratioOfF32 ? `×${r.ratioOfF32.toFixed(2)}` : ''} |${shares ? ` ${percent(r.share)} |` : ''}`);
    }
    out.push('');
  }
  for (const p of results.phases ?? []) {
    out.push(`#### ${p.title}`, '', `Peak in the same rounds: ${p.peak.toFixed(1)} GFLOP/s. Adam step ÷ SGD step: ×${p.ratios.adamOverSgd.toFixed(2)}${p.ratios.sgdSpeedup ? `; baseline build ÷ this build: SGD ×${p.ratios.sgdSpeedup.toFixed(2)}, Adam ×${p.ratios.adamSpeedup.toFixed(2)}` : ''}.`, '');
    out.push('| phase | µs per step | part of the SGD step | part of the Adam step | GFLOP/s | share of peak |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of p.rows) {
      const us = r.us !== undefined && r.us !== null ? r.us.toFixed(1) : `${r.restSgd.toFixed(1)} (SGD), ${r.restAdam.toFixed(1)} (Adam)`;
      out.push(`| ${r.phase} | ${r.error ? `failed: ${r.error}` : us} | ${percent(r.ofSgd, 1)} | ${percent(r.ofAdam, 1)} | ${r.gflops ? r.gflops.toFixed(1) : ''} | ${percent(r.share)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Replaces what lies between BENCHMARKS.md's markers for the run's Node major with its tables; returns the file's path. */
export function writeBenchmarks(results, file = FILE) {
  const [BEGIN, END] = markers(results.node);
  const text = readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN), end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${fileURLToPath(file)}: no ${BEGIN} … ${END} markers to write the tables between`);
  writeFileSync(file, `${text.slice(0, begin + BEGIN.length)}\n${markdown(results)}\n${text.slice(end)}`);
  return fileURLToPath(file);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const results = JSON.parse(readFileSync(path ?? new URL('./results.json', import.meta.url), 'utf8'));
  if (process.argv.includes('--write')) console.log(`wrote ${writeBenchmarks(results)}`);
  else console.log(markdown(results));
}
