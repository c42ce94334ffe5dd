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
