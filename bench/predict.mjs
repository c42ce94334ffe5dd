// Inference on 784-128-10 (relu, softmax): wasm-mlp's predict paths beside the bare forward
// kernels they wrap (the floor: what the same build computes with no JavaScript around it),
// tfjs-layers and a plain JavaScript loop. Each run is `calls` predictions of `batch` samples.
import { MLP, kernelVariant } from '../dist/index.js';
import { CODES } from '../dist/kernels/kernel-interface.js';
import { classification, rows } from './data.mjs';
import { loadKernels } from './kernels.mjs';
import { tfjsLibrary } from './contenders.mjs';
import { plainLoop } from './plain-loop.mjs';
import { relativeError } from './gemm.mjs';

const LAYERS = [784, 128, 10];
const ACTS = ['relu', 'softmax'];

/** The cells of one predict workload: `batch` samples per call, `calls` calls per timed run. */
export async function predictCells(batch, calls) {
  const { x } = classification(batch, 784, 10, 3);
  const units = batch * calls;
  const cells = [];
  const add = (name, run) => cells.push({ contender: { name }, task: { run, units } });
  const repeat = (once) => () => { for (let i = 0; i < calls; i++) once(); };

  const nets = [];
  for (const dtype of ['float32', 'float64']) {
    const net = await MLP.create({ layers: LAYERS, activations: ACTS, loss: 'cross-entropy', dtype, seed: 1 });
    nets.push(net);
    const X = dtype === 'float32' ? x : Float64Array.from(x);
    const out = new (dtype === 'float32' ? Float32Array : Float64Array)(batch * 10);
    const tag = dtype === 'float32' ? 'f32' : 'f64';
    add(`wasm-mlp ${tag} predictInto`, repeat(() => net.predictInto(X, out)));
    if (dtype === 'float32') {
      add('wasm-mlp f32 predict(Float32Array)', repeat(() => net.predict(X)));
      const asRows = rows(x, 784);
      add('wasm-mlp f32 predict(number[][])', repeat(() => net.predict(asRows)));
      add('bare forward kernels f32', bareForward(net, x, batch, calls, net.predict(x)));
    }
  }
  add('plain JS loop f32', plainLoop(nets[0].getParameters(), x, batch, calls));
  for (const backend of ['wasm', 'cpu']) {
    const { tf, tfl, use } = await tfjsLibrary(backend);
    const model = tfl.sequential();
    ACTS.forEach((activation, i) => model.add(tfl.layers.dense({ units: LAYERS[i + 1], activation, ...(i === 0 ? { inputShape: [784] } : {}) })));
    // The backend is global to tfjs: each timed run selects its own first.
    cells.push({ contender: { name: `tfjs-layers ${backend}`, before: use }, task: { run: () => { for (let i = 0; i < calls; i++) tf.tidy(() => model.predict(tf.tensor2d(x, [batch, 784])).dataSync()); }, units } });
  }
  return { cells, dispose: () => nets.forEach((n) => n.dispose()) };
}

/**
 * The two dense-layer kernels alone, on the network's own weights, in the build wasm-mlp uses,
 * each call over every row and unit. One pass is checked against `predict`'s output first, so
 * a call that computes nothing (or something else) fails the bench instead of timing it.
 */
function bareForward(net, x, batch, calls, expected) {
  const { k, matrix } = loadKernels('f32', kernelVariant());
  const theta = net.getParameters();
  const { layers } = net.layout;
  const input = matrix(batch * 784, (i) => x[i]);
  const weights = layers.map((l) => matrix(l.inputs * l.outputs, (i) => theta[l.weightOffset + i]));
  const biases = layers.map((l) => matrix(l.outputs, (i) => theta[l.biasOffset + i]));
  const z = layers.map((l) => matrix(batch * l.outputs));
  const a = layers.map((l) => matrix(batch * l.outputs));
  const codes = ACTS.map((name) => CODES.activation[name]);
  const pass = () => {
    let from = input.ptr;
    for (let l = 0; l < layers.length; l++) {
      k.denseForward(z[l].ptr, a[l].ptr, from, weights[l].ptr, biases[l].ptr, layers[l].outputs, layers[l].inputs, codes[l], 0, batch, 0, layers[l].outputs);
      from = a[l].ptr;
    }
  };
  pass();
  const error = relativeError(a.at(-1).view(), expected);
  if (!(error <= 1e-6)) throw new Error(`bare forward kernels: their output is off predict's by ${error} (relative): the calls are wrong or empty, nothing is timed`);
  return () => { for (let c = 0; c < calls; c++) pass(); };
}
