// The workloads of `npm run bench:browser`, shared by the page (bench/browser/main.js) and the
// Node side of bench/browser.mjs, so both time exactly the same calls: tinybench tasks over
// prepared networks and data. `libs` supplies MLP and, in the page, tfjs.
import { classification } from '../data.mjs';

const LAYERS = [784, 128, 10];
const ACTS = ['relu', 'softmax'];
const TRAIN_ROWS = 1024;

/** Each workload: a title, its unit, and how many units one timed run does. */
export const WORKLOADS = [
  { id: 'train', title: 'train 784-128-10, SGD batch 64 (1024 samples per run)', metric: 'samples/s', units: TRAIN_ROWS },
  { id: 'predict-1', title: 'predict 784-128-10, 1 sample per call (20 calls per run)', metric: 'samples/s', units: 20 },
  { id: 'predict-256', title: 'predict 784-128-10, batch 256 per call', metric: 'samples/s', units: 256 },
];

const data = classification(TRAIN_ROWS, 784, 10, 1);

/** wasm-mlp float32 on `threads` threads: { run, dispose } per workload. */
export async function wasmMlpTasks(MLP, threads) {
  const net = await MLP.create({ layers: LAYERS, activations: ACTS, loss: 'cross-entropy', seed: 1, threads });
  const one = data.x.subarray(0, 784), batch = data.x.subarray(0, 256 * 784);
  const out1 = new Float32Array(10), out256 = new Float32Array(2560);
  return {
    threads: net.threads,
    tasks: {
      train: () => { net.fit(data.x, data.labels, { epochs: 1, batchSize: 64, learningRate: 0.01 }); },
      'predict-1': () => { for (let i = 0; i < 20; i++) net.predictInto(one, out1); },
      'predict-256': () => { net.predictInto(batch, out256); },
    },
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
  const one = data.x.subarray(0, 784), batch = data.x.subarray(0, 256 * 784);
  return {
    tasks: {
      train: async () => { await model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 }); },
      'predict-1': () => { for (let i = 0; i < 20; i++) tf.tidy(() => model.predict(tf.tensor2d(one, [1, 784])).dataSync()); },
      'predict-256': () => { tf.tidy(() => model.predict(tf.tensor2d(batch, [256, 784])).dataSync()); },
    },
    dispose: () => { xs.dispose(); ys.dispose(); model.dispose(); },
  };
}

/** Times every contender on every workload with tinybench, rounds interleaved; medians over rounds of tinybench's median. */
export async function measure(Bench, contenders, { rounds, time }) {
  const rows = [];
  for (const w of WORKLOADS) {
    const times = contenders.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let c = 0; c < contenders.length; c++) {
        await contenders[c].before?.();
        const bench = new Bench({ time, iterations: 3, warmupTime: 50, warmupIterations: 1, throws: true });
        bench.add(contenders[c].name, contenders[c].tasks[w.id]);
        await bench.run();
        times[c].push(bench.tasks[0].result.latency.p50);
      }
    }
    contenders.forEach((c, i) => {
      const ms = [...times[i]].sort((a, b) => a - b)[times[i].length >> 1];
      rows.push({ workload: w.id, title: w.title, contender: c.name, ms, rate: w.units / (ms / 1000) });
    });
  }
  return rows;
}
