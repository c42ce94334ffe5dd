// Every library the benchmarks compare, behind one shape: `prepare(workload)` builds the
// network and data once and returns { run, units } (units of work per run), or null when the
// contender cannot express the workload. Differences from wasm-mlp's setup are in `note`.
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MLP, setKernelVariant, supportedKernelVariants } from '../dist/index.js';
import { rows } from './data.mjs';

const require = createRequire(import.meta.url);

/** wasm-mlp itself: the wasm backend in a dtype and kernel build, or the pure-TS `js` backend. */
/** wasm-mlp as built in this tree, or `lib`: another build's dist/index.js module (BENCH_BASELINE in run.mjs). */
export function wasmMlp(name, { backend = 'wasm', dtype = 'float32', variant, lib = { MLP, setKernelVariant } } = {}) {
  const { MLP, setKernelVariant } = lib;
  return {
    name,
    async prepare(w) {
      if (variant) setKernelVariant(variant);
      const net = await MLP.create({ layers: w.layers, activations: w.activations, loss: w.loss, dtype, backend, seed: 1 });
      if (variant) setKernelVariant('auto');
      const { x, labels, oneHot } = w.data(backend === 'js' ? w.smallCount ?? w.count : w.count);
      const Y = w.loss === 'cross-entropy' ? labels : oneHot;
      if (w.mode === 'step') {
        const X = rows(x, w.layers[0]);
        const T = rows(Y instanceof Int32Array ? oneHot : Y, w.layers.at(-1));
        return { run: () => { for (let i = 0; i < w.calls; i++) net.step(X, T, { learningRate: w.learningRate }); }, units: w.calls };
      }
      // fit copies and checks the data once per call: several epochs per call amortise that.
      const epochs = w.epochs;
      const count = x.length / w.layers[0];
      // The optimizer named, SGD unless the workload says otherwise (fit's own default is Adam).
      const optimizer = { type: w.optimizer ?? 'sgd', learningRate: w.learningRate };
      return { run: () => { net.fit(x, Y, { epochs, batchSize: w.batchSize, optimizer }); }, units: epochs * Math.ceil(count / w.batchSize) * (w.unit === 'steps' ? 1 : w.batchSize), dispose: () => net.dispose() };
    },
  };
}

let tf, tfl;
async function loadTf() {
  if (tf) return;
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  tfl = await import('@tensorflow/tfjs-layers');
}

async function useBackend(backend) {
  await loadTf();
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  await tf.ready();
}

/** tfjs-core and tfjs-layers, and `use()` to make `backend` the active one. */
export async function tfjsLibrary(backend) {
  const use = () => useBackend(backend);
  await use();
  return { tf, tfl, use };
}

/** tfjs-layers on one tfjs backend ('wasm' = XNNPACK, 'cpu' = plain JS). */
export function tfjs(name, backend) {
  const use = () => useBackend(backend);
  return {
    name,
    before: use,
    note: 'tfjs-layers Sequential of dense layers, SGD or Adam as the workload says, Glorot init; softmax + categoricalCrossentropy',
    async prepare(w) {
      await use();
      const model = tfl.sequential();
      w.activations.forEach((activation, i) => {
        model.add(tfl.layers.dense({ units: w.layers[i + 1], activation, ...(i === 0 ? { inputShape: [w.layers[0]] } : {}) }));
      });
      model.compile({ optimizer: w.optimizer === 'adam' ? tf.train.adam(w.learningRate) : tf.train.sgd(w.learningRate), loss: w.loss === 'cross-entropy' ? 'categoricalCrossentropy' : 'meanSquaredError' });
      const { x, oneHot, count } = w.data(w.smallCount ?? w.count);
      const outputs = w.layers.at(-1);
      if (w.mode === 'step') {
        const X = rows(x, w.layers[0]);
        const Y = rows(oneHot, outputs);
        return {
          run: async () => {
            for (let i = 0; i < w.tfCalls; i++) {
              const xs = tf.tensor2d(X);
              const ys = tf.tensor2d(Y);
              await model.trainOnBatch(xs, ys);
              xs.dispose();
              ys.dispose();
            }
          },
          units: w.tfCalls,
        };
      }
      const xs = tf.tensor2d(x, [count, w.layers[0]]);
      const ys = tf.tensor2d(oneHot, [count, outputs]);
      const epochs = w.tfEpochs ?? 1;
      return {
        run: async () => { await model.fit(xs, ys, { batchSize: w.batchSize, epochs, shuffle: true, verbose: 0 }); },
        units: epochs * Math.ceil(count / w.batchSize) * (w.unit === 'steps' ? 1 : w.batchSize),
        dispose: () => { xs.dispose(); ys.dispose(); model.dispose(); },
      };
    },
    gemm: async (m, k, n, product) => {
      await use();
      const x = tf.randomUniform([m, k]), wt = tf.randomUniform([n, k]), d = tf.randomUniform([m, n]);
      const op = product === 'forward' ? () => tf.matMul(x, wt, false, true)
        : product === 'weightGradient' ? () => tf.matMul(d, x, true, false)
        : () => tf.matMul(d, wt);
      return () => op().dispose();
    },
  };
}

/** brain.js 1.6.1 NeuralNetwork: per-sample updates, one activation for every layer, MSE. */
export function brainJs(name) {
  const brain = require('brain.js');
  return {
    name,
    note: 'per-sample updates (no batches), one activation for all layers (sigmoid), MSE, its default momentum 0.1',
    async prepare(w) {
      if (w.mode === 'step' || w.noBrain) return null;
      const net = new brain.NeuralNetwork({ hiddenLayers: w.layers.slice(1, -1), activation: 'sigmoid', learningRate: w.learningRate, });
      const { x, oneHot } = w.data(w.brainCount ?? w.count);
      const X = rows(x, w.layers[0]);
      const Y = rows(oneHot, w.layers.at(-1));
      const data = X.map((input, i) => ({ input, output: Y[i] }));
      const iterations = w.brainEpochs ?? 1;
      const train = () => net.train(data, { iterations, errorThresh: 1e-9, log: false, learningRate: w.learningRate });
      train(); // sizes the network
      return { run: train, units: iterations * data.length };
    },
  };
}

/** A python3 that can import `module`, or null. */
export function pythonWith(module) {
  return ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) ?? null;
}

/** PyTorch CPU, one thread, in a persistent Python process (bench/torch_bench.py); null (with a printed reason) when unavailable. */
export function pytorch(name) {
  const python = pythonWith('torch');
  if (!python) {
    console.log(`${name}: skipped (no python3 here can import torch)`);
    return null;
  }
  const child = spawn(python, [new URL('./torch_bench.py', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  const lines = createInterface({ input: child.stdout });
  const replies = [];
  lines.on('line', (line) => replies.shift()?.(JSON.parse(line)));
  const ask = (task, time) => new Promise((resolve) => { replies.push(resolve); child.stdin.write(JSON.stringify({ task, time }) + '\n'); });
  const measured = (task) => ({ measure: async (time) => { const r = await ask(task, time); if (r.error) throw new Error(r.error); return r; } });
  return {
    name,
    note: 'torch.nn Sequential + torch.optim.SGD, torch.set_num_threads(1); its own data (same shapes), timed in Python',
    external: true,
    async prepare(w) {
      if (w.mode === 'step') return measured({ kind: 'mlp', mode: 'step', layers: w.layers, activations: w.activations, loss: w.loss, learningRate: w.learningRate, count: 2, batchSize: 2, epochs: 1, calls: w.torchCalls ?? 200 });
      return measured({ kind: 'mlp', mode: 'fit', unit: w.unit, optimizer: w.optimizer ?? 'sgd', layers: w.layers, activations: w.activations, loss: w.loss, learningRate: w.learningRate, count: w.count, batchSize: w.batchSize, epochs: w.unit === 'steps' ? (w.torchEpochs ?? 200) : 1 });
    },
    gemm: async (m, k, n, product) => measured({ kind: 'gemm', m, k, n, product }),
    close: () => child.stdin.end(),
  };
}
