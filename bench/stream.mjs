// `npm run bench:stream [-- --gib N]`: fitDataset on a generated stream of N GiB of float32
// inputs (default 8: twice the 4 GiB a WebAssembly memory can ever hold), recording throughput
// and peak resident memory. Each batch is generated into the same two buffers just before it
// is trained on, so only a batch is ever in memory; the targets are a fixed linear function of
// the inputs, so the loss must fall. Prints one line per GiB and a summary.
import os from 'node:os';
import { MLP } from '../dist/index.js';

const gibArg = process.argv.indexOf('--gib');
const GIB = gibArg > 0 ? Number(process.argv[gibArg + 1]) : 8;
const INPUTS = 4096;
const ROWS = 256;                                   // 4 MiB of inputs per batch
const BATCHES = Math.round(GIB * 2 ** 30 / (ROWS * INPUTS * 4));

const net = await MLP.create({ layers: [INPUTS, 4, 1], activations: ['relu', 'linear'], loss: 'mse', seed: 1, threads: 'auto' });
const x = new Float32Array(ROWS * INPUTS);
const y = new Float32Array(ROWS);
let state = 12345;
const rssStart = process.memoryUsage().rss;
let rssPeak = rssStart;
const started = performance.now();
let lossSum = 0;
let lossCount = 0;

console.log(`fitDataset on ${GIB} GiB of float32 inputs: ${BATCHES} batches of ${ROWS} × ${INPUTS}, network ${INPUTS}-4-1 on ${net.threads} thread(s); ${os.cpus()[0].model}, Node ${process.version}`);
const history = await net.fitDataset(function* () {
  for (let b = 0; b < BATCHES; b++) {
    // xorshift32 into [0, 1): cheap enough that generating stays a fraction of the run.
    for (let i = 0; i < x.length; i++) {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      x[i] = (state >>> 0) / 4294967296;
    }
    for (let r = 0; r < ROWS; r++) y[r] = x[r * INPUTS] - x[r * INPUTS + 1] + 0.5 * x[r * INPUTS + 2];
    yield { x, y };
  }
}, {
  epochs: 1,
  optimizer: { type: 'adam', learningRate: 0.001 },
  onBatchEnd: (batch, logs) => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    lossSum += logs.loss;
    lossCount++;
    const done = (batch + 1) * ROWS * INPUTS * 4;
    if (done % 2 ** 30 === 0) {
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${done / 2 ** 30} GiB  ${seconds.toFixed(1)} s  ${(done / 2 ** 20 / seconds).toFixed(0)} MiB/s  mean loss of the last GiB ${(lossSum / lossCount).toFixed(4)}  peak RSS ${(rssPeak / 2 ** 20).toFixed(0)} MiB`);
      lossSum = 0;
      lossCount = 0;
    }
  },
});
const seconds = (performance.now() - started) / 1000;
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(`Done: ${GIB} GiB (${(BATCHES * ROWS).toLocaleString('en-US')} samples) in ${seconds.toFixed(1)} s, ${(BATCHES * ROWS / seconds).toFixed(0)} samples/s, ${(GIB * 1024 / seconds).toFixed(0)} MiB/s; epoch loss ${history.loss[0].toFixed(4)}.`);
console.log(`Resident memory: ${(rssStart / 2 ** 20).toFixed(0)} MiB after creating the network, peak ${(maxRss / 2 ** 20).toFixed(0)} MiB over the run (the stream: ${GIB * 1024} MiB).`);
net.dispose();
