// predictInto of a network's int8 model (dynamic activations) against its float32 model, both
// through wasm-mlp/inference's Predictor, at batch 1 and 64: rounds of one tinybench Bench each
// with both contenders, the order alternating, and the medians of the rounds. Shared by the Node
// bench (bench/quantized.mjs) and its Chromium page (bench/quantized/main.js).

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** `models` are { float32, int8 } file bytes of the same network with `layers`; `X` holds ≥ 64 rows. */
export async function measureSpeed({ Bench, Predictor }, layers, models, X, { rounds, time }) {
  const predictors = { float32: await Predictor.load(models.float32), int8: await Predictor.load(models.int8) };
  const inputs = layers[0];
  const outputs = layers[layers.length - 1];
  const rows = [];
  for (const batch of [1, 64]) {
    const x = X.subarray(0, batch * inputs);
    const out = new Float32Array(batch * outputs);
    // Checked before timed: both contenders produce outputs of the right shape, and close ones.
    const a = Float32Array.from(predictors.float32.predictInto(x, out));
    const b = predictors.int8.predictInto(x, out);
    if (!a.every((v, i) => Math.abs(v - b[i]) < 0.1)) throw new Error('int8 and float32 outputs differ by more than 0.1');
    const times = { float32: [], int8: [] };
    const ratios = [];
    for (let round = 0; round < rounds; round++) {
      const bench = new Bench({ time, warmup: true });
      for (const name of round % 2 ? ['int8', 'float32'] : ['float32', 'int8']) bench.add(name, () => predictors[name].predictInto(x, out));
      await bench.run();
      const mean = (name) => bench.tasks.find((t) => t.name === name).result.latency.mean;
      times.float32.push(mean('float32') * 1000);
      times.int8.push(mean('int8') * 1000);
      ratios.push(mean('float32') / mean('int8'));
    }
    rows.push({ network: layers.join('-'), batch, kernel: predictors.int8.quantization.kernel, float32: median(times.float32), int8: median(times.int8), ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) });
  }
  predictors.float32.dispose();
  predictors.int8.dispose();
  return rows;
}
