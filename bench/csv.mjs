// `npm run bench:csv [-- --gib 1]`: the CLI on a CSV larger than memory should ever need, and
// streaming against in-memory training on the same data, all in one run.
//
// Writes MNIST's 60,000 training digits as CSV (label, then 784 pixel values 0–255) to
// $TMPDIR/wasm-mlp-bench/mnist-60k.csv (~110 MB), that file repeated to --gib GiB (default 1)
// as mnist-big.csv, and its first 15,000 rows as mnist-15k.csv; none is ever committed. Then:
//   1. `wasm-mlp train` streaming the big file (one epoch; the command reads it three times:
//      statistics, the epoch, the final training metrics): wall time, MB/s, peak RSS;
//   2. `wasm-mlp train` streaming the 60,000 rows, and on the 15,000 rows both in memory (the
//      path files under 32 MiB take) and streamed;
//   3. in one process, a 784-128-10 network's training rate from the same rows: `fit` on
//      arrays in memory, `fitDataset` fed by the CSV parsed in a worker ahead of training,
//      and parsed in the training thread; the ratio streamed / in memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { MLP } from '../dist/index.js';
import { loadMnist } from '../dist-examples/mnist-data.js';
import { batches } from '../dist/cli/stream-train.js';
import { inlineChunks } from '../dist/cli/prefetch.js';

const gibArg = process.argv.indexOf('--gib');
const GIB = gibArg > 0 ? Number(process.argv[gibArg + 1]) : 1;
const dir = join(os.tmpdir(), 'wasm-mlp-bench');
const small = join(dir, 'mnist-60k.csv');
const big = join(dir, 'mnist-big.csv');
/** Small enough (< 32 MiB) for the CLI to read into memory by default. */
const quarter = join(dir, 'mnist-15k.csv');
const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const MiB = 2 ** 20;

async function writeFiles() {
  mkdirSync(dir, { recursive: true });
  const { train } = loadMnist();
  if (!existsSync(small)) {
    const lines = ['label,' + Array.from({ length: 784 }, (_, j) => `p${j}`).join(',')];
    for (let i = 0; i < train.rows; i++) {
      const pixels = Array.from(train.X.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
      lines.push(`${train.Y[i]},${pixels.join(',')}`);
    }
    writeFileSync(small, lines.join('\n') + '\n');
  }
  if (!existsSync(quarter)) {
    const lines = readFileSync(small, 'utf8').split('\n');
    writeFileSync(quarter, lines.slice(0, 15001).join('\n') + '\n');
  }
  const want = GIB * 2 ** 30;
  if (!existsSync(big) || statSync(big).size < want) {
    const text = readFileSync(small, 'utf8');
    const body = text.slice(text.indexOf('\n') + 1);
    const out = createWriteStream(big);
    out.write(text);
    for (let size = text.length; size < want; size += body.length) if (!out.write(body)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
}

/** Runs the CLI under /usr/bin/time -v: wall seconds, peak RSS (MiB) and its output. */
function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, ...args], { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (r.status !== 0) throw new Error(`wasm-mlp ${args.join(' ')} failed:\n${r.stderr}`);
  const field = (name) => new RegExp(`${name}: (.*)`).exec(r.stderr)[1].trim();
  const [m, s] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number);
  return { seconds: m * 60 + s, rssMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024, stdout: r.stdout };
}

const TRAIN = ['--target', 'label', '--task', 'classification', '--layers', '128', '--epochs', '1', '--batch-size', '64', '--optimizer', 'sgd', '--learning-rate', '0.05', '--momentum', '0.9',
  '--validation-split', '0', '--threads', 'auto', '--out', join(dir, 'model.wmlp')];

function cliRow(name, file, extra) {
  const bytes = statSync(file).size;
  const r = timed(['train', file, ...TRAIN, ...extra]);
  const rows = Number(/: (\d+) rows/.exec(r.stdout)[1]);
  const epoch = /epoch 1\/1 .* ([\d,]+) samples\/s +([\d.]+)s/.exec(r.stdout);
  const accuracy = /training: accuracy ([\d.]+)%/.exec(r.stdout)[1];
  console.log(`| ${name} | ${(bytes / MiB).toFixed(0)} MiB, ${rows.toLocaleString('en-US')} rows | ${r.seconds.toFixed(1)} s | ${(bytes / MiB / r.seconds).toFixed(1)} | ${(rows / r.seconds).toFixed(0)} | ${epoch[1]} | ${r.rssMiB.toFixed(0)} MiB | ${accuracy}% |`);
}

/** Samples/s of one epoch of 784-128-10 on the 60,000 digits, three ways, in this process. */
async function trainingRates() {
  const { train } = loadMnist();
  const plan = {
    file: small, features: Array.from({ length: 784 }, (_, j) => `p${j}`), target: 'label', task: 'classification', classes: Array.from({ length: 10 }, (_, k) => String(k)),
    // (x − 0) / 255: the same float32 pixels as the IDX files give.
    featureScaling: { mean: new Array(784).fill(0), std: new Array(784).fill(255) }, targetScaling: null,
    validationSplit: 0, seed: 1, role: 'all', shuffleBuffer: 1, pass: 0, chunkRows: 2048,
  };
  const create = async () => {
    const net = await MLP.create({ layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1, threads: 'auto' });
    net.setOptimizer({ type: 'sgd', learningRate: 0.05, momentum: 0.9 });
    return net;
  };
  const rate = async (name, train1) => {
    const net = await create();
    const started = performance.now();
    await train1(net);
    const r = train.rows / ((performance.now() - started) / 1000);
    const threads = net.threads;
    net.dispose();
    return { name, rate: r, threads };
  };
  const inMemory = (net) => net.fit(train.X, train.Y, { epochs: 1, batchSize: 64, shuffle: false });
  const worker = (net) => net.fitDataset(() => batches(plan, 64), { epochs: 1 });
  const inline = (net) => net.fitDataset(async function* () {
    for await (const c of inlineChunks(plan)) for (let f = 0; f < c.rows; f += 64) yield { x: c.X.subarray(f * 784, Math.min(f + 64, c.rows) * 784), y: c.Y.subarray(f, Math.min(f + 64, c.rows)) };
  }, { epochs: 1 });
  const results = [];
  for (const [name, fn] of [['fit, arrays in memory', inMemory], ['fitDataset, CSV parsed in a worker ahead', worker], ['fitDataset, CSV parsed in the training thread', inline], ['fit, arrays in memory (again)', inMemory]]) {
    results.push(await rate(name, fn));
  }
  const memory = (results[0].rate + results[3].rate) / 2;
  console.log(`\n784-128-10, batch 64, SGD, ${results[0].threads} threads, one epoch of 60,000 digits:\n`);
  console.log('| training from | samples/s | vs in memory |');
  console.log('|---|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${r.rate.toFixed(0)} | ${(r.rate / memory).toFixed(2)} |`);
}

await writeFiles();
console.log(`${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
console.log('| command | file | wall | MB/s | rows/s | epoch samples/s | peak RSS | training accuracy |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
cliRow(`train --shuffle-buffer 10000 (streamed; reads the file 3 times)`, big, ['--shuffle-buffer', '10000']);
cliRow('train --shuffle-buffer 10000 (streamed)', small, ['--shuffle-buffer', '10000']);
cliRow('train (in memory)', quarter, []);
cliRow('train --shuffle-buffer 10000 (streamed)', quarter, ['--shuffle-buffer', '10000']);
await trainingRates();
console.log(`\nload after: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
