// What a user does first with the installed package, on whichever runtime runs this file (Node,
// Bun, Deno). It imports `wasm-mlp` by name, so it tests the tarball installed beside it, not the
// source tree. Checks of features the installed package does not export are skipped, not passed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MLP, kernelVariant, supportedKernelVariants } from 'wasm-mlp';
import { assertClose, assertSameBits, check, runChecks, skip } from './harness.mjs';
import { quantizedWorkload, wideData, wideFit, wideSpec, workedExample } from './workloads.mjs';

const installed = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('wasm-mlp/package.json'), 'utf8'));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const { X, Y, theta: THETA, gradient: GRADIENT, stepped: STEPPED } = workedExample;

for (const [dtype, tolerance] of [['float64', 1e-12], ['float32', 1e-6]]) {
  check(`worked example (${dtype}): loss 3.25, gradient (3.4, 1.7, 1.7, 5.1, -0.2), one SGD step at 0.01, then 2.855`, async () => {
    const net = await MLP.create({ ...workedExample.spec, dtype });
    try {
      net.setParameters(THETA);
      assertClose(net.loss(X, Y), 3.25, tolerance, 'loss');
      assertClose(net.gradient(X, Y), GRADIENT, tolerance, 'gradient');
      assertClose(net.step(X, Y, { learningRate: 0.01 }), 3.25, tolerance, 'loss returned by step');
      assertClose(net.getParameters(), STEPPED, tolerance, 'θ after the step');
      const after = net.loss(X, Y);
      assertClose(after, workedExample.lossAfter, tolerance * 10, 'loss after the step');
      assert(Math.abs(after - 2.855) < 1e-3, `loss after the step ${after} is not 2.855 as the worked example rounds it`);
    } finally {
      net.dispose();
    }
  });
}

/** Three separable blobs, 240 samples with integer class labels (no randomness: same data everywhere). */
function blobs() {
  const X = new Float32Array(240 * 2);
  const labels = new Int32Array(240);
  for (let i = 0; i < 240; i++) {
    const c = i % 3, angle = (2 * Math.PI * c) / 3;
    X[2 * i] = 2 * Math.cos(angle) + Math.sin(i * 12.9898) * 0.6;
    X[2 * i + 1] = 2 * Math.sin(angle) + Math.cos(i * 78.233) * 0.6;
    labels[i] = c;
  }
  return { X, labels };
}
const blobSpec = { layers: [2, 16, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1 };
const blobFit = { epochs: 30, batchSize: 16, shuffle: true, optimizer: { type: 'adam', learningRate: 0.02 }, metrics: ['accuracy'] };

check('a short fit learns three blobs (accuracy ≥ 97%, loss falls below a tenth)', async () => {
  const { X, labels } = blobs();
  const net = await MLP.create(blobSpec);
  try {
    const before = net.loss(X, labels);
    const history = net.fit(X, labels, blobFit);
    assert(history.epochs === 30 && history.stopReason === 'epochs', `stopped after ${history.epochs} epochs (${history.stopReason})`);
    const { loss, metrics } = net.evaluate(X, labels, { metrics: ['accuracy'] });
    assert(metrics.accuracy >= 0.97, `accuracy ${metrics.accuracy}`);
    assert(loss < before / 10, `loss ${loss} after training, ${before} before`);
  } finally {
    net.dispose();
  }
});

check('fitAsync({ worker: true }) on 2 threads trains bit-identically to fit on 1 thread', async () => {
  const { X, labels } = wideData();
  const options = wideFit;
  const one = await MLP.create({ ...wideSpec, threads: 1 });
  const two = await MLP.create({ ...wideSpec, threads: 2 });
  try {
    assert(two.threads === 2 && two.threadsFallbackReason === null, `threads ${two.threads}: ${two.threadsFallbackReason}`);
    const before = two.loss(X, labels);
    const expected = one.fit(X, labels, options);
    const history = await two.fitAsync(X, labels, { ...options, worker: true });
    assert(history.loss[2] < before, `loss ${history.loss.join(', ')} did not fall below ${before}`);
    assertSameBits(Float64Array.from(history.loss), Float64Array.from(expected.loss), 'loss history');
    assertSameBits(two.getParameters(), one.getParameters(), 'θ');
  } finally {
    one.dispose();
    two.dispose();
  }
});

check('save() and MLP.load: same θ, and training resumes bit-identically', async () => {
  const { X, labels } = blobs();
  const net = await MLP.create(blobSpec);
  try {
    net.fit(X, labels, { ...blobFit, epochs: 3 });
    const copy = await MLP.load(net.save());
    try {
      assertSameBits(copy.getParameters(), net.getParameters(), 'θ after load');
      assert(copy.epoch === 3, `epoch ${copy.epoch} after load, expected 3`);
      net.fit(X, labels, { ...blobFit, epochs: 2 });
      copy.fit(X, labels, { ...blobFit, epochs: 2 });
      assertSameBits(copy.getParameters(), net.getParameters(), 'θ after two more epochs each');
    } finally {
      copy.dispose();
    }
  } finally {
    net.dispose();
  }
});

check('toSafetensors: header and tensors as the format specifies, and back through fromSafetensors', async () => {
  const { X } = blobs();
  const net = await MLP.create(blobSpec);
  try {
    const bytes = net.toSafetensors();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const data = bytes.slice(8 + headerLength);
    const theta = net.getParameters();
    const read = (name) => {
      const [start, end] = header[name].data_offsets;
      assert(header[name].dtype === 'F32', `${name} dtype ${header[name].dtype}`);
      return new Float32Array(data.buffer.slice(start, end));
    };
    assert(JSON.stringify(header['layers.0.weight'].shape) === '[16,2]', `layers.0.weight shape ${header['layers.0.weight'].shape}`);
    assert(JSON.stringify(header['layers.1.bias'].shape) === '[3]', `layers.1.bias shape ${header['layers.1.bias'].shape}`);
    // θ is in nn.Linear order: weight (out × in) then bias, layer by layer.
    assertSameBits(read('layers.0.weight'), theta.subarray(0, 32), 'layers.0.weight');
    assertSameBits(read('layers.0.bias'), theta.subarray(32, 48), 'layers.0.bias');
    assertSameBits(read('layers.1.weight'), theta.subarray(48, 96), 'layers.1.weight');
    assertSameBits(read('layers.1.bias'), theta.subarray(96, 99), 'layers.1.bias');
    const back = await MLP.fromSafetensors(bytes);
    try {
      assertSameBits(back.predict(X), net.predict(X), 'predictions after the round trip');
    } finally {
      back.dispose();
    }
  } finally {
    net.dispose();
  }
});

check('the inference entry (wasm-mlp/inference) predicts what MLP.predict does', async () => {
  if (!installed.exports['./inference']) return skip('this package does not export ./inference');
  const { Predictor } = await import('wasm-mlp/inference');
  const { X, labels } = blobs();
  const net = await MLP.create(blobSpec);
  try {
    net.fit(X, labels, { ...blobFit, epochs: 3 });
    const predictor = await Predictor.load(net.save());
    try {
      const expected = net.predict(X);
      assertSameBits(predictor.predict(X), expected, 'Predictor.predict');
      const out = new Float32Array(expected.length);
      predictor.predictInto(X, out);
      assertSameBits(out, expected, 'Predictor.predictInto');
    } finally {
      predictor.dispose();
    }
  } finally {
    net.dispose();
  }
});

check('quantized models (net.quantize, wasm-mlp/inference): every int8 kernel gives the same outputs; int8 and float16 classify as float32 does', async () => {
  if (typeof MLP.prototype.quantize !== 'function') return skip('this package has no MLP.quantize');
  const r = await quantizedWorkload(MLP, await import('wasm-mlp/inference'));
  console.log(`        int8 kernels by variant: ${r.kernels.join(', ')}; chosen: ${r.kernel}`);
  assert(r.sameBits, `the kernels ${r.kernels.join(', ')} gave different int8 outputs`);
  assert(r.int8Agree >= 145 && r.float16Agree >= 149, `int8 agrees on ${r.int8Agree}/150 rows, float16 on ${r.float16Agree}/150`);
  // 0.25 for MNIST networks; the header and one scale per unit weigh more in this small one.
  assert(r.bytes[1] < 0.28 * r.bytes[0], `int8 file ${r.bytes[1]} bytes against float32's ${r.bytes[0]}`);
});

/** Whether `part`'s bytes occur contiguously in `whole`. */
function containsBytes(whole, part) {
  const p = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  outer: for (let i = 0; i + p.length <= whole.length; i++) {
    for (let j = 0; j < p.length; j++) if (whole[i + j] !== p[j]) continue outer;
    return true;
  }
  return false;
}

check('toOnnx(): an ONNX model carrying every layer\'s weights and biases', async () => {
  if (typeof MLP.prototype.toOnnx !== 'function') return skip('this package has no MLP.toOnnx');
  const net = await MLP.create(blobSpec);
  try {
    const onnx = net.toOnnx();
    assert(onnx instanceof Uint8Array && onnx[0] === 0x08, 'not a serialized ModelProto (field 1, ir_version, first)');
    const text = new TextDecoder('latin1').decode(onnx);
    assert(text.includes('Softmax'), 'no Softmax node for the softmax output');
    const theta = net.getParameters();
    // MatMul wants the weights inputs × outputs; Gemm (transB) keeps nn.Linear's outputs × inputs.
    const transposed = (w, outputs, inputs) => Float32Array.from({ length: outputs * inputs }, (_, k) => w[(k % outputs) * inputs + Math.floor(k / outputs)]);
    net.layout.layers.forEach((layer, i) => {
      const weight = theta.subarray(layer.weightOffset, layer.weightOffset + layer.outputs * layer.inputs);
      const bias = theta.subarray(layer.biasOffset, layer.biasOffset + layer.outputs);
      assert(containsBytes(onnx, weight) || containsBytes(onnx, transposed(weight, layer.outputs, layer.inputs)), `layers.${i}.weight is not in the model`);
      assert(containsBytes(onnx, bias), `layers.${i}.bias is not in the model`);
    });
  } finally {
    net.dispose();
  }
});

/** Runs the installed `wasm-mlp` bin the way a user of this runtime would. */
function cli(args, cwd) {
  const run = (file, argv, env = process.env) => execFileSync(file, argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (globalThis.Deno) return run(globalThis.Deno.execPath(), ['run', '-A', 'npm:wasm-mlp', ...args]);
  if (globalThis.Bun) return run(process.execPath, ['x', '--bun', 'wasm-mlp', ...args]);
  // npx from this Node's directory first on PATH, so the bin's `#!/usr/bin/env node` is this Node.
  return run('npx', ['--no', '--', 'wasm-mlp', ...args], { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` });
}
const here = dirname(new URL(import.meta.url).pathname);

check('wasm-mlp --version prints the installed version', () => {
  const printed = cli(['--version'], here).trim();
  assert(printed === installed.version, `printed "${printed}", package.json says ${installed.version}`);
});

check('wasm-mlp train and predict on a tiny CSV (y = 2a − b + 0.5)', () => {
  const dir = mkdtempSync(join(here, 'csv-')); // inside the project, where its bin is found
  try {
    const rows = Array.from({ length: 64 }, (_, i) => [(i % 8) / 3.5 - 1, Math.floor(i / 8) / 3.5 - 1]); // an 8 × 8 grid on [-1, 1]²
    const target = ([a, b]) => 2 * a - b + 0.5;
    writeFileSync(join(dir, 'train.csv'), 'a,b,y\n' + rows.map((r) => [...r, target(r)].join(',')).join('\n') + '\n');
    const trained = cli(['train', 'train.csv', '--target', 'y', '--layers', '8', '--epochs', '150', '--validation-split', '0', '--seed', '1', '--out', 'line.wmlp'], dir);
    assert(trained.includes('saved the model to line.wmlp'), `train printed:\n${trained}`);
    const r2 = Number(/R² (-?[\d.]+)/.exec(trained)?.[1]);
    assert(r2 > 0.99, `training R² ${r2}`);
    const probe = [[0.5, -0.5], [-0.8, 0.3], [0.1, 0.9]];
    writeFileSync(join(dir, 'probe.csv'), 'a,b\n' + probe.map((r) => r.join(',')).join('\n') + '\n');
    const lines = cli(['predict', 'line.wmlp', 'probe.csv'], dir).trim().split('\n');
    assert(lines[0] === 'a,b,predicted y', `header "${lines[0]}"`);
    assert(lines.length === 4, `${lines.length - 1} prediction rows for 3 inputs`);
    lines.slice(1).forEach((line, i) => assertClose(Number(line.split(',')[2]), target(probe[i]), 0.15, `prediction for ${probe[i]}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const summary = await runChecks({ version: installed.version, kernels: kernelVariant(), supported: supportedKernelVariants() });
if (typeof process === 'object' && summary.failed > 0) process.exitCode = 1;
