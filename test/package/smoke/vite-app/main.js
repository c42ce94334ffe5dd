// A web app's use of the installed package (node_modules/wasm-mlp from the tarball, bundled by
// Vite with no plugins): the worked example, then training on two threads, on the page and in
// fitAsync's worker. test/package/vite-consumer.mjs opens the built page in Chromium, compares
// with one thread bit for bit, and reads window.consumer.
import { MLP, kernelVariant } from 'wasm-mlp';
import * as inference from 'wasm-mlp/inference';
import { quantizedWorkload, wideData, wideFit, wideSpec, workedExample } from '../workloads.mjs';

const bits = (array) => Array.from(new Uint8Array(Float64Array.from(array).buffer)).join(',');

async function runWorkedExample() {
  const { spec, X, Y, theta } = workedExample;
  const net = await MLP.create({ ...spec, dtype: 'float64' });
  net.setParameters(theta);
  const result = { loss: net.loss(X, Y), gradient: Array.from(net.gradient(X, Y)) };
  net.step(X, Y, { learningRate: 0.01 });
  result.after = net.loss(X, Y);
  net.dispose();
  return result;
}

async function train(threads, worker) {
  const { X, labels } = wideData();
  const net = await MLP.create({ ...wideSpec, threads });
  const before = net.loss(X, labels);
  const history = worker ? await net.fitAsync(X, labels, { ...wideFit, worker: true }) : net.fit(X, labels, wideFit);
  const result = { threads: net.threads, reason: net.threadsFallbackReason, before, losses: history.loss, lossBits: bits(history.loss), parameterBits: bits(net.getParameters()) };
  net.dispose();
  return result;
}

window.consumer = {
  isolated: globalThis.crossOriginIsolated === true,
  kernels: kernelVariant(),
  expected: workedExample,
  workedExample: runWorkedExample,
  train,
  quantized: () => quantizedWorkload(MLP, inference),
};
