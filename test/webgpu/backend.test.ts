// The public `backend: 'webgpu'` end to end on Dawn for Node (SwiftShader here): fitAsync and
// predictAsync, agreement with the wasm float32 backend after 10 steps of each optimizer the GPU
// has, run-to-run bit-identity, files moving between webgpu and wasm, and the errors.
import { describe, expect, test } from 'vitest';
import { create } from 'webgpu';
import { MLP, type OptimizerOptions } from '../../src/index.js';
import { DisposedError, DivergenceError, WasmMlpError } from '../../src/core/errors.js';
import { WebGpuUnavailableError } from '../../src/webgpu/device.js';
import { WebGpuDeviceLostError, type WebGpuEngine } from '../../src/webgpu/engine.js';
import { engineOf } from '../../src/api/test-seam.js';
import { maxRelativeError, randomFloats } from './gpu.js';

/** One Dawn instance for the file: networks given it share one device. */
const gpu = create([]);

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

function adapterOf(net: MLP): GPUAdapterInfo {
  return (engineOf(net) as WebGpuEngine).webgpu.adapterInfo;
}

/** Three Gaussian blobs in 4 dimensions, labelled by blob. */
function blobs(rows: number): { X: Float32Array; labels: number[] } {
  const noise = randomFloats(rows * 4, 7, -0.6, 0.6);
  const X = new Float32Array(rows * 4);
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    labels.push(c);
    for (let j = 0; j < 4; j++) X[i * 4 + j] = (j === c ? 2 : 0) + noise[i * 4 + j];
  }
  return { X, labels };
}

describe("backend 'webgpu'", () => {
  test('XOR: fitAsync trains on the GPU, predictAsync reads the outputs back', async () => {
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', backend: 'webgpu', gpu, seed: 1 });
    // A real adapter, not a null one: SwiftShader where the environment names its ICD (vitest.config.ts).
    const info = adapterOf(net);
    expect(info.description).not.toMatch(/null/i);
    if (process.env.VK_ICD_FILENAMES?.includes('swiftshader')) expect(info.architecture).toBe('swiftshader');
    expect(net.backend).toBe('webgpu');
    const history = await net.fitAsync(XOR_X, XOR_Y, { epochs: 300, optimizer: { type: 'adam', learningRate: 0.05 } });
    expect(history.epochs).toBe(300);
    expect(history.loss.at(-1)!).toBeLessThan(0.1);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0] / 5);
    const outputs = await net.predictAsync(XOR_X);
    outputs.forEach((row, i) => expect(Math.abs(row[0] - XOR_Y[i][0])).toBeLessThan(0.25));
    // One sample in, one row out, as predict.
    expect((await net.predictAsync([0, 1])).length).toBe(1);
    // The state read back after the last epoch is what a wasm copy of the network predicts.
    const wasm = await MLP.load(net.save());
    expect(wasm.backend).toBe('wasm');
    const want = wasm.predict(XOR_X);
    expect(maxRelativeError(outputs.flat(), want.flat(), 1e-3)).toBeLessThan(1e-5);
    net.dispose();
  }, 180_000); // 300 epochs, each a submission and a read-back: seconds alone, a minute on a loaded machine

  test('a small classification: validation, metrics, callbacks and early stopping as fit gives them', async () => {
    const { X, labels } = blobs(90);
    const net = await MLP.create({ layers: [4, 16, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', backend: 'webgpu', gpu, seed: 2 });
    const seen: number[] = [];
    const history = await net.fitAsync(X, labels, {
      epochs: 40, batchSize: 16, validationSplit: 0.2, validationShuffle: true, metrics: ['accuracy'],
      earlyStopping: { patience: 5, monitor: 'val_loss' }, onEpochEnd: (epoch) => void seen.push(epoch),
    });
    expect(history.valLoss.length).toBe(history.epochs);
    expect(history.metrics.accuracy!.length).toBe(history.epochs);
    expect(seen).toEqual(Array.from({ length: history.epochs }, (_, i) => i));
    expect(history.valMetrics.accuracy!.at(-1)!).toBeGreaterThan(0.9);
    const evaluation = await net.evaluateAsync(X, labels, { metrics: ['accuracy'] });
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
    expect(await net.predictAsync(X.subarray(0, 8))).toBeInstanceOf(Float32Array);
    net.dispose();
  });

  const OPTIMIZERS: Record<string, OptimizerOptions> = {
    'SGD': { type: 'sgd', learningRate: 0.1 },
    'SGD with momentum and weight decay': { type: 'sgd', learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
    'SGD with Nesterov momentum': { type: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true },
    Adam: { type: 'adam', learningRate: 0.01 },
    'Adam, AMSGrad, clipped by value': { type: 'adam', learningRate: 0.01, amsgrad: true, clipValue: 0.05 },
    AdamW: { type: 'adamw', learningRate: 0.01, weightDecay: 0.05 },
    RMSprop: { type: 'rmsprop', learningRate: 0.01 },
    'RMSprop, centered, with momentum': { type: 'rmsprop', learningRate: 0.005, centered: true, momentum: 0.5, weightDecay: 0.01 },
    Adagrad: { type: 'adagrad', learningRate: 0.05, learningRateDecay: 0.01, initialAccumulatorValue: 0.1 },
  };

  for (const [name, optimizer] of Object.entries(OPTIMIZERS)) {
    test(`${name}: 10 steps agree with the wasm float32 backend within 1e-4 relative`, async () => {
      const x = randomFloats(12 * 3, 40, -2, 2);
      const y = randomFloats(12 * 2, 41);
      const options = { layers: [3, 6, 5, 2], activations: ['tanh', 'leaky-relu', 'linear'], loss: 'huber', seed: 3 } as const;
      const fit = { epochs: 5, batchSize: 6, optimizer, shuffle: true };
      const gpuNet = await MLP.create({ ...options, backend: 'webgpu', gpu });
      const wasmNet = await MLP.create({ ...options, backend: 'wasm' });
      const initial = wasmNet.getParameters();
      expect(Array.from(gpuNet.getParameters())).toEqual(Array.from(initial));
      const gpuHistory = await gpuNet.fitAsync(x, y, fit);
      const wasmHistory = await wasmNet.fitAsync(x, y, fit);
      expect(maxRelativeError(gpuNet.getParameters(), wasmNet.getParameters(), 1e-3)).toBeLessThan(1e-4);
      expect(maxRelativeError(gpuHistory.loss, wasmHistory.loss, 1e-3)).toBeLessThan(1e-4);
      // The optimizer's state came back too: the next epoch still agrees.
      await gpuNet.fitAsync(x, y, { ...fit, epochs: 1 });
      await wasmNet.fitAsync(x, y, { ...fit, epochs: 1 });
      expect(maxRelativeError(gpuNet.getParameters(), wasmNet.getParameters(), 1e-3)).toBeLessThan(1e-4);
      // Training moved θ: agreement is not that of two untouched copies.
      expect(maxRelativeError(wasmNet.getParameters(), initial, 1e-3)).toBeGreaterThan(1e-3);
      gpuNet.dispose();
      wasmNet.dispose();
    });
  }

  test('onBatchEnd stops after its batch, as on wasm; a divergence keeps the state from before the epoch', async () => {
    const x = randomFloats(24 * 3, 50, -1, 1);
    const y = randomFloats(24 * 2, 51);
    const options = { layers: [3, 5, 2], activations: ['relu', 'linear'], seed: 11 } as const;
    const fit = { epochs: 3, batchSize: 8, optimizer: { type: 'sgd', learningRate: 0.1 } as const };
    const stopAt = (batches: number[]) => (batch: number, logs: { epoch: number }) => {
      batches.push(batch);
      return !(logs.epoch === 1 && batch === 1);
    };
    const [gpuBatches, wasmBatches]: number[][] = [[], []];
    const gpuNet = await MLP.create({ ...options, backend: 'webgpu', gpu });
    const wasmNet = await MLP.create({ ...options, backend: 'wasm' });
    const gpuHistory = await gpuNet.fitAsync(x, y, { ...fit, onBatchEnd: stopAt(gpuBatches) });
    const wasmHistory = await wasmNet.fitAsync(x, y, { ...fit, onBatchEnd: stopAt(wasmBatches) });
    expect(gpuHistory.stopReason).toBe('callback');
    expect(gpuBatches).toEqual(wasmBatches);
    expect(gpuHistory.epochs).toBe(wasmHistory.epochs);
    expect(maxRelativeError(gpuNet.getParameters(), wasmNet.getParameters(), 1e-3)).toBeLessThan(1e-4);
    // A rate that overflows: the epoch is refused whole, θ is the last finite one.
    const before = Array.from(gpuNet.getParameters());
    const history = await gpuNet.fitAsync(x, y, { epochs: 2, batchSize: 8, optimizer: { type: 'sgd', learningRate: 1e38 }, onDivergence: 'stop' });
    expect(history.stopReason).toBe('diverged');
    expect(history.epochs).toBe(0);
    expect(Array.from(gpuNet.getParameters())).toEqual(before);
    await expect(gpuNet.fitAsync(x, y, { epochs: 1, batchSize: 8, optimizer: { type: 'sgd', learningRate: 1e38 } })).rejects.toBeInstanceOf(DivergenceError);
    expect(Array.from(gpuNet.getParameters())).toEqual(before);
  });

  test('an abort stops between epochs with the last completed epoch kept, as on wasm', async () => {
    const spec = { layers: [2, 6, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', seed: 13 } as const;
    const run = async (backend: 'webgpu' | 'wasm') => {
      const net = await MLP.create({ ...spec, backend, ...(backend === 'webgpu' && { gpu }) });
      const controller = new AbortController();
      let kept: number[] = [];
      const history = await net.fitAsync(XOR_X, XOR_Y, {
        epochs: 10, signal: controller.signal, optimizer: 'adam',
        onEpochEnd: (epoch) => {
          if (epoch !== 1) return;
          kept = Array.from(net.getParameters());
          controller.abort();
        },
      });
      return { net, history, kept };
    };
    const gpuRun = await run('webgpu');
    const wasmRun = await run('wasm');
    expect(gpuRun.history.stopReason).toBe('aborted');
    expect(gpuRun.history.epochs).toBe(wasmRun.history.epochs);
    expect(gpuRun.net.epoch).toBe(2);
    expect(Array.from(gpuRun.net.getParameters())).toEqual(gpuRun.kept);
    expect(maxRelativeError(gpuRun.net.getParameters(), wasmRun.net.getParameters(), 1e-3)).toBeLessThan(1e-4);
  });

  test('dispose() from a callback ends the fit with a DisposedError and frees the GPU buffers', async () => {
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['relu', 'linear'], backend: 'webgpu', gpu, seed: 12 });
    const error = await net.fitAsync(XOR_X, XOR_Y, { epochs: 5, onEpochEnd: (epoch) => void (epoch === 1 && net.dispose()) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DisposedError);
    expect(net.disposed).toBe(true);
    await expect(net.predictAsync(XOR_X)).rejects.toBeInstanceOf(DisposedError);
  });

  test('the same run twice gives bit-identical parameters and losses', async () => {
    const { X, labels } = blobs(48);
    const run = async () => {
      const net = await MLP.create({ layers: [4, 12, 3], activations: ['sigmoid', 'softmax'], loss: 'cross-entropy', backend: 'webgpu', gpu, seed: 9 });
      const history = await net.fitAsync(X, labels, { epochs: 4, batchSize: 10 });
      const theta = Array.from(net.getParameters());
      net.dispose();
      return { theta, loss: history.loss };
    };
    const [a, b] = [await run(), await run()];
    expect(b.theta).toEqual(a.theta);
    expect(b.loss).toEqual(a.loss);
  });

  test('files move between webgpu and wasm with θ and the optimizer state intact', async () => {
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy', backend: 'webgpu', gpu, seed: 4 });
    await net.fitAsync(XOR_X, XOR_Y, { epochs: 5, optimizer: 'adam' });
    const theta = Array.from(net.getParameters());
    const wasm = await MLP.load(net.save());
    expect(Array.from(wasm.getParameters())).toEqual(theta);
    expect(wasm.optimizer).toEqual(net.optimizer);
    expect(Array.from((await MLP.fromJSON(net.toJSON(), { backend: 'wasm' })).getParameters())).toEqual(theta);
    expect(Array.from((await MLP.fromSafetensors(net.toSafetensors())).getParameters())).toEqual(theta);
    expect(net.toFunction()).toBe(wasm.toFunction());
    expect(Array.from(net.toOnnx())).toEqual(Array.from(wasm.toOnnx()));
    // And back onto the GPU: training continues as on wasm.
    const back = await MLP.load(wasm.save(), { backend: 'webgpu', gpu });
    expect(back.backend).toBe('webgpu');
    expect(Array.from(back.getParameters())).toEqual(theta);
    await back.fitAsync(XOR_X, XOR_Y, { epochs: 3 });
    await wasm.fitAsync(XOR_X, XOR_Y, { epochs: 3 });
    expect(maxRelativeError(back.getParameters(), wasm.getParameters(), 1e-3)).toBeLessThan(1e-4);
  });

  test('the synchronous calls throw, naming the asynchronous one', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], backend: 'webgpu', gpu, seed: 5 });
    expect(() => net.fit(XOR_X, XOR_Y)).toThrow("fit: a network on backend 'webgpu' cannot fit synchronously (the GPU's results arrive asynchronously); use await net.fitAsync(…) instead");
    expect(() => net.predict(XOR_X)).toThrow(/predict: .*use await net\.predictAsync/);
    expect(() => net.predictClasses(XOR_X)).toThrow(/predictAsync/);
    expect(() => net.evaluate(XOR_X, XOR_Y)).toThrow(/use await net\.evaluateAsync/);
    expect(() => net.step(XOR_X, XOR_Y)).toThrow(/use await net\.fitAsync/);
    expect(() => net.gradient(XOR_X, XOR_Y)).toThrow(/backend 'wasm'/);
    expect(() => net.fit(XOR_X, XOR_Y)).toThrow(WasmMlpError);
    await expect(net.fitAsync(XOR_X, XOR_Y, { worker: true })).rejects.toThrow(/options\.worker is not supported on backend 'webgpu'/);
    await expect(net.fitAsync(XOR_X, XOR_Y, { sampleWeight: [1, 1, 1, 1] })).rejects.toThrow(/options\.sampleWeight is not supported on backend 'webgpu'/);
    // What the GPU has no kernel for is named before anything is allocated.
    await expect(MLP.create({ layers: [2, 3, 1], activations: ['gelu', 'linear'], backend: 'webgpu', gpu })).rejects.toThrow(/activation 'gelu' \(layer 0; WebGPU has linear, relu, sigmoid, tanh, leaky-relu, softmax\) is not supported on backend 'webgpu'/);
    await expect(MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], dtype: 'float64', backend: 'webgpu', gpu })).rejects.toThrow(/dtype 'float64'/);
    await expect(MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], dropout: [0.5], backend: 'webgpu', gpu })).rejects.toThrow(/dropout \(layer 0\)/);
    const optimizer = net.optimizer;
    await expect(net.fitAsync(XOR_X, XOR_Y, { optimizer: 'nadam', epochs: 1 })).rejects.toThrow(/^fitAsync: optimizer 'nadam' is not supported on backend 'webgpu'; choose another optimizer/);
    expect(net.optimizer).toEqual(optimizer); // refused before anything changed
    // An optimizer the GPU cannot train with does not stop a forward pass.
    net.setOptimizer('nadam');
    expect((await net.predictAsync(XOR_X)).length).toBe(4);
    // The async calls work on the other backends too.
    const wasm = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], seed: 5 });
    expect(await wasm.predictAsync(XOR_X)).toEqual(wasm.predict(XOR_X));
    expect(await wasm.evaluateAsync(XOR_X, XOR_Y)).toEqual(wasm.evaluate(XOR_X, XOR_Y));
  });

  test('no navigator.gpu and no gpu option: a WasmMlpError naming both', async () => {
    expect((globalThis.navigator as { gpu?: unknown } | undefined)?.gpu).toBeUndefined();
    const error = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], backend: 'webgpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebGpuUnavailableError);
    expect(error).toBeInstanceOf(WasmMlpError);
    expect((error as Error).message).toMatch(/^MLP\.create: backend 'webgpu' needs WebGPU, but navigator\.gpu is undefined and no options\.gpu was given/);
    await expect(MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], backend: 'webgpu', gpu: { nothing: true } })).rejects.toThrow(/options\.gpu must be a GPU/);
  });

  test("backend 'auto': wasm where the calibration measured WebGPU slower (a software adapter), cached per adapter and shape; the reason is given", async () => {
    const spec = { layers: [8, 16, 2], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1 } as const;
    const net = await MLP.create({ ...spec, backend: 'auto', gpu });
    const reason = net.backendFallbackReason;
    if (net.backend === 'webgpu') expect(reason).toBeNull();
    else expect(reason).toMatch(/^calibration measured \d+ samples\/s on WebGPU \(adapter '.+'\) against \d+ on wasm, batches of 32$/);
    // SwiftShader runs WebGPU on the CPU: it cannot beat the wasm build on a network this small.
    if (process.env.VK_ICD_FILENAMES?.includes('swiftshader')) expect(net.backend).toBe('wasm');
    // The calibration ran once for this shape on this adapter: the same figures again.
    expect((await MLP.create({ ...spec, backend: 'auto', gpu })).backendFallbackReason).toBe(reason);
    // Without WebGPU, or with a layer that has no kernel, 'auto' is wasm and says why.
    const none = await MLP.create({ ...spec, backend: 'auto' });
    expect(none.backend).toBe('wasm');
    expect(none.backendFallbackReason).toMatch(/navigator\.gpu is undefined and no options\.gpu was given/);
    const gelu = await MLP.create({ ...spec, activations: ['gelu', 'softmax'], backend: 'auto', gpu });
    expect(gelu.backendFallbackReason).toMatch(/^activation 'gelu' .* has no WebGPU kernel$/);
    expect((await MLP.create({ ...spec, backend: 'wasm' })).backendFallbackReason).toBeNull();
    // The loaders take 'auto' too.
    const loaded = await MLP.load(net.save(), { backend: 'auto', gpu });
    expect(loaded.backendFallbackReason).toBe(reason);
    expect(Array.from(loaded.getParameters())).toEqual(Array.from(net.getParameters()));
  });

  test('the GPU out of memory: a WasmMlpError naming the cause, the network unchanged, and the next fit goes on', async () => {
    // The real device, but its error scopes report an out-of-memory error while `exhausted` is set,
    // as a device does whose memory the buffers do not fit in (pushErrorScope('out-of-memory')).
    const adapter = (await gpu.requestAdapter())!;
    const real = await adapter.requestDevice();
    let exhausted = false;
    const device = new Proxy(real, {
      get(target, key) {
        if (key === 'popErrorScope') return async () => {
          const error = await target.popErrorScope();
          return exhausted ? { message: 'simulated: not enough GPU memory' } : error;
        };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', backend: 'webgpu', gpu: device, seed: 8 });
    const before = Array.from(net.getParameters());
    exhausted = true;
    const error = await net.fitAsync(XOR_X, XOR_Y, { epochs: 3 }).catch((e: unknown) => e);
    exhausted = false;
    expect(error).toBeInstanceOf(WasmMlpError);
    expect((error as Error).message).toMatch(/^fitAsync: the GPU could not allocate the network's buffers \(about [\d.]+ MiB for 33 parameters and batches of 4 rows\): simulated: not enough GPU memory$/);
    expect(net.epoch).toBe(0);
    expect(Array.from(net.getParameters())).toEqual(before);
    const history = await net.fitAsync(XOR_X, XOR_Y, { epochs: 3 });
    expect(history.epochs).toBe(3);
    real.destroy();
  });

  test('a device lost mid-fit: a WebGpuDeviceLostError, and the network keeps its last completed epoch', async () => {
    // A device of its own, so destroying it leaves the other tests' device alone.
    // Held to the end: Dawn frees an instance whose GPU object is collected, under its device.
    const own = create([]);
    const adapter = (await own.requestAdapter())!;
    const device = await adapter.requestDevice();
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', backend: 'webgpu', gpu: device, seed: 6 });
    let kept: number[] = [];
    const error = await net.fitAsync(XOR_X, XOR_Y, {
      epochs: 10,
      onEpochEnd: (epoch) => {
        if (epoch !== 2) return;
        kept = Array.from(net.getParameters());
        device.destroy();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebGpuDeviceLostError);
    expect((error as Error).message).toMatch(/^fitAsync: the GPU device was lost \(destroyed/);
    expect(net.epoch).toBe(3);
    expect(Array.from(net.getParameters())).toEqual(kept);
    // The state is still there to save, and a wasm copy goes on.
    const wasm = await MLP.load(net.save());
    expect(Array.from(wasm.getParameters())).toEqual(kept);
    await expect(net.predictAsync(XOR_X)).rejects.toThrow(WebGpuDeviceLostError);
    expect(own).toBeDefined();
  });
});
