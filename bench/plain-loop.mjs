// The plain JavaScript contender of the predict benchmarks (Node and Chromium): what an app
// might write by hand for 784-128-10 relu/softmax, no library.

/** What an app might write by hand: loops over Float32Arrays, relu then a stable softmax. */
export function plainLoop(theta, x, batch, calls) {
  const w1 = theta.subarray(0, 784 * 128), b1 = theta.subarray(784 * 128, 784 * 128 + 128);
  const w2 = theta.subarray(784 * 128 + 128, 784 * 128 + 128 + 1280), b2 = theta.subarray(784 * 128 + 128 + 1280);
  const h = new Float32Array(128), out = new Float32Array(batch * 10);
  return () => {
    for (let c = 0; c < calls; c++) {
      for (let s = 0; s < batch; s++) {
        for (let j = 0; j < 128; j++) {
          let sum = b1[j];
          for (let p = 0; p < 784; p++) sum += x[s * 784 + p] * w1[j * 784 + p];
          h[j] = sum > 0 ? sum : 0;
        }
        let max = -Infinity;
        for (let j = 0; j < 10; j++) {
          let sum = b2[j];
          for (let p = 0; p < 128; p++) sum += h[p] * w2[j * 128 + p];
          out[s * 10 + j] = sum;
          if (sum > max) max = sum;
        }
        let total = 0;
        for (let j = 0; j < 10; j++) total += (out[s * 10 + j] = Math.exp(out[s * 10 + j] - max));
        for (let j = 0; j < 10; j++) out[s * 10 + j] /= total;
      }
    }
  };
}
