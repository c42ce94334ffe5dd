// The Chromium page of `npm run bench:quantized -- --browser`: the speed rows of bench/quantized/speed.js
// for untrained networks of the bench's sizes (the time does not depend on the weights' values).
import { Bench } from 'tinybench';
import { MLP } from 'wasm-mlp';
import { Predictor } from 'wasm-mlp/inference';
import { measureSpeed } from './speed.js';

window.benchPage = {
  async run(networks, settings) {
    const rows = [];
    for (const layers of networks) {
      const net = await MLP.create({ layers, activations: [...layers.slice(2).map(() => 'relu'), 'softmax'], loss: 'cross-entropy', seed: 7 });
      const X = new Float32Array(64 * layers[0]).map((_, i) => ((i * 7919) % 256) / 255);
      rows.push(...(await measureSpeed({ Bench, Predictor }, layers, { float32: net.toSafetensors(), int8: net.quantize({ weights: 'int8' }) }, X, settings)));
      net.dispose();
    }
    return { userAgent: navigator.userAgent, rows };
  },
};
