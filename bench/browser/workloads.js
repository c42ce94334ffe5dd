// The workloads of `npm run bench:browser`, shared by the page (bench/browser/main.js) and the
// Node side of bench/browser.mjs, so both time exactly the same calls: tinybench tasks over
// prepared networks and data. A contender without a task for a workload skips it.
import { classification } from '../data.mjs';
import { plainLoop } from '../plain-loop.mjs';

const LAYERS = [784, 128, 10];
const ACTS = ['relu', 'softmax'];
const TRAIN_ROWS = 1024;
/** Single-sample predictions per timed run: one call is a few µs, too short to time alone. */
const ONE_CALLS = 20;

/** Each workload: a title, its unit, and how many units one timed run does. */
export const WORKLOADS = [
  { id: 'predict-1', title: 'predict 784-128-10, 1 sample per call', metric: 'samples/s', units: ONE_CALLS },
  { id: 'predict-256', title: 'predict 784-128-10, batch 256 per call', metric: 'samples/s', units: 256 },
  { id: 'train', title: 'train 784-128-10, SGD batch 64 (1,024 samples per run)', metric: 'samples/s', units: TRAIN_ROWS },
];

const data = classification(TRAIN_ROWS, 784, 10, 1);
const one = data.x.subarray(0, 784);
const batch = data.x.subarray(0, 256 * 784);

/** wasm-mlp float32 on `threads` threads: predictInto (allocates nothing), predict (allocates its result), fit. */
export async function wasmMlpContenders(MLP, threads) {
  const net = await MLP.create({ layers: LAYERS, activations: ACTS, loss: 'cross-entropy', seed: 1, threads });
  const out1 = new Float32Array(10), out256 = new Float32Array(2560);
  const name = `wasm-mlp f32, ${net.threads} thread${net.threads > 1 ? 's' : ''}`;
  return {
    threads: net.threads,
    contenders: [
      { name: `${name}, predictInto`, tasks: {
        'predict-1': () => { for (let i = 0; i < ONE_CALLS; i++) net.predictInto(one, out1); },
        'predict-256': () => { net.predictInto(batch, out256); },
      } },
      { name: `${name}, fit`, tasks: {
        train: () => { net.fit(data.x, data.labels, { epochs: 1, batchSize: 64, optimizer: { type: 'sgd' }, learningRate: 0.01 }); },
      } },
      { name: `${name}, predict`, tasks: {
        'predict-1': () => { for (let i = 0; i < ONE_CALLS; i++) net.predict(one); },
        'predict-256': () => { net.predict(batch); },
      } },
      // The same weights by hand: one thread whatever `threads` says.
      ...(threads === 1 ? [{ name: 'plain JS loop', tasks: {
        'predict-1': plainLoop(net.getParameters(), one, 1, ONE_CALLS),
        'predict-256': plainLoop(net.getParameters(), batch, 256, 1),
      } }] : []),
    ],
    dispose: () => net.dispose(),
  };
}

/** tfjs-layers on the active tfjs backend: the same network, SGD, categorical cross-entropy. */
export function tfjsTasks(tf, tfl) {
  const model = tfl.sequential();
  ACTS.forEach((activation, i) => model.add(tfl.layers.dense({ units: LAYERS[i + 1], activation, ...(i === 0 ? { inputShape: [784] } : {}) })));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(data.x, [TRAIN_ROWS, 784]);
  const ys = tf.tensor2d(data.oneHot, [TRAIN_ROWS, 10]);
  return {
    tasks: {
      'predict-1': () => { for (let i = 0; i < ONE_CALLS; i++) tf.tidy(() => model.predict(tf.tensor2d(one, [1, 784])).dataSync()); },
      'predict-256': () => { tf.tidy(() => model.predict(tf.tensor2d(batch, [256, 784])).dataSync()); },
      train: async () => { await model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 }); },
    },
    dispose: () => { xs.dispose(); ys.dispose(); model.dispose(); },
  };
}

/** Times every contender on every workload with tinybench, rounds interleaved; medians over rounds of tinybench's median. */
export async function measure(Bench, contenders, { rounds, time }) {
  const rows = [];
  for (const w of WORKLOADS) {
    const taking = contenders.filter((c) => c.tasks[w.id]);
    const times = taking.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let c = 0; c < taking.length; c++) {
        await taking[c].before?.();
        const bench = new Bench({ time, iterations: 3, warmupTime: 50, warmupIterations: 1, throws: true });
        bench.add(taking[c].name, taking[c].tasks[w.id]);
        await bench.run();
        times[c].push(bench.tasks[0].result.latency.p50);
      }
    }
    taking.forEach((c, i) => {
      const ms = [...times[i]].sort((a, b) => a - b)[times[i].length >> 1];
      rows.push({ workload: w.id, title: w.title, contender: c.name, ms, rate: w.units / (ms / 1000) });
    });
  }
  return rows;
}
