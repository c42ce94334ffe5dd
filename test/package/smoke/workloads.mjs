// The networks and data the smoke suite and the Vite app share: the same numbers on every runtime.

/** The worked example: a 2-1-1 network (ReLU hidden, linear output, MSE) and θ = (w0, w1, w2, w3, w4). */
export const workedExample = {
  spec: { layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', seed: 1 },
  X: [[2, 1], [-3, 2]],
  Y: [[1.3], [1.9]],
  theta: [1, 1, 0, 1, 0],
  loss: 3.25,
  gradient: [3.4, 1.7, 1.7, 5.1, -0.2],
  /** θ after one SGD step at learning rate 0.01. */
  stepped: [0.966, 0.983, -0.017, 0.949, 0.002],
  /** L(D) after the step, ((0.949·2.898 + 0.002 − 1.3)² + (0.002 − 1.9)²) / 2; the worked example rounds it to 2.855. */
  lossAfter: 2.855647324402,
};

/** A network above the threads' work threshold, so two threads really split the kernels. */
export const wideSpec = { layers: [128, 160, 33, 10], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy', seed: 5 };
export const wideFit = { epochs: 3, batchSize: 100, shuffle: true, optimizer: { type: 'adam', learningRate: 0.01 } };

/** 150 rows for wideSpec from a fixed linear congruential stream: inputs in [-1, 1), labels 0–9. */
export function wideData() {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const X = Float32Array.from({ length: 150 * 128 }, () => 2 * next() - 1);
  const labels = Int32Array.from({ length: 150 }, () => Math.floor(next() * 10));
  return { X, labels };
}

/**
 * Quantized models on this runtime: the wide network trained a little, quantized to int8 and float16,
 * loaded by Predictor under every kernel variant the engine runs. Returns the int8 kernel the probe
 * chose, whether every variant gave the same int8 outputs bit for bit, and how many of the 150 rows
 * int8 and float16 classify as float32 does. `inference` is the wasm-mlp/inference module.
 */
export async function quantizedWorkload(MLP, inference) {
  const { Predictor, setKernelVariant, supportedKernelVariants } = inference;
  const { X, labels } = wideData();
  const net = await MLP.create(wideSpec);
  net.fit(X, labels, wideFit);
  const classes = (out) => Array.from({ length: 150 }, (_, r) => {
    const row = Array.from(out.subarray(r * 10, r * 10 + 10));
    return row.indexOf(Math.max(...row));
  });
  const reference = classes(net.predict(X));
  const int8 = net.quantize({ weights: 'int8' });
  const outputs = [];
  const kernels = [];
  for (const variant of supportedKernelVariants()) {
    setKernelVariant(variant);
    const predictor = await Predictor.load(int8);
    kernels.push(predictor.quantization.kernel);
    outputs.push(Array.from(new Uint32Array(predictor.predict(X).buffer)).join(','));
    predictor.dispose();
  }
  setKernelVariant('auto');
  const auto = await Predictor.load(int8);
  const float16 = await Predictor.load(net.quantize({ weights: 'float16' }));
  const agree = (c) => c.filter((v, i) => v === reference[i]).length;
  const result = {
    kernel: auto.quantization.kernel, kernels, sameBits: outputs.every((o) => o === outputs[0]),
    int8Agree: agree(classes(auto.predict(X))), float16Agree: agree(classes(float16.predict(X))), bytes: [net.toSafetensors().length, int8.length],
  };
  auto.dispose();
  float16.dispose();
  net.dispose();
  return result;
}
