// The wasm kernels against the pure-TypeScript reference: same start, same data, several
// SGD steps and a few epochs of fit; float64 to 1e-12 relative, float32 within 1e-4.
import { describe, expect, it } from 'vitest';
import { createNet, maxRelativeError, networkSpecs, randomData } from './helpers.js';

const tolerance = { float64: 1e-12, float32: 1e-4 };

describe.each(['float64', 'float32'] as const)('wasm matches js in %s', (dtype) => {
  it.each(networkSpecs().map((s) => [`${s.layers.join('-')} ${s.activations.join(',')} ${s.loss}`, s] as const))('%s', async (_, spec) => {
    const wasm = await createNet(spec, 'wasm', dtype);
    const js = await createNet(spec, 'js', dtype);
    expect(Array.from(wasm.getParameters())).toEqual(Array.from(js.getParameters())); // same seed, same θ
    const { X, Y } = randomData(spec, 7, 3);
    expect(maxRelativeError(wasm.predict(X) as Float64Array, js.predict(X) as Float64Array)).toBeLessThan(tolerance[dtype]);
    for (let s = 0; s < 4; s++) {
      const lw = wasm.step(X, Y, { learningRate: 0.1 });
      const lj = js.step(X, Y, { learningRate: 0.1 });
      expect(Math.abs(lw - lj) / Math.max(1, Math.abs(lj))).toBeLessThan(tolerance[dtype]);
    }
    expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(tolerance[dtype]);
    const hw = wasm.fit(X, Y, { epochs: 3, batchSize: 3, learningRate: 0.05 });
    const hj = js.fit(X, Y, { epochs: 3, batchSize: 3, learningRate: 0.05 });
    expect(maxRelativeError(hw.loss, hj.loss)).toBeLessThan(tolerance[dtype]);
    expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(tolerance[dtype]);
    expect(maxRelativeError(wasm.gradient(X, Y), js.gradient(X, Y))).toBeLessThan(tolerance[dtype] * 10);
    wasm.dispose();
    js.dispose();
  });
});
