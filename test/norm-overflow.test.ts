// Float32 normalization where the variance overflows (|h − mean| ≳ 1.8e19 squares past
// float32's 3.4e38): the wasm kernels (as ONNX and torch's float32) get 1/√var = 0, so x̂ = 0
// and z = β. The js backend and toFunction's module compute those sums in float32 too, so all
// three agree there, as they do everywhere else.
import { describe, expect, it } from 'vitest';
import { MLP, type CreateOptions } from '../src/index.js';

const importSource = (source: string) => import(`data:text/javascript,${encodeURIComponent(source)}`) as Promise<{ predict(X: number[][]): number[][] }>;
const huge = [[1e19, -2e19], [1e30, 1e30], [1e37, -1e37], [-3e38, 1e20]];

async function pair(normalization: 'layer-norm' | 'batch-norm') {
  const options = { layers: [2, 4, 3], activations: ['tanh', 'linear'], normalization: [normalization], seed: 3, dtype: 'float32' } as CreateOptions;
  const wasm = await MLP.create(options);
  const js = await MLP.create({ ...options, backend: 'js' });
  js.setParameters(wasm.getParameters());
  return { wasm, js };
}

const close = (got: number[][], want: number[][]) => got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));

describe('float32 layer norm whose variance overflows', () => {
  it('wasm, the js backend and toFunction all give the output of z = β', async () => {
    const { wasm, js } = await pair('layer-norm');
    const module = await importSource(wasm.toFunction());
    const outputs = wasm.predict(huge) as number[][];
    // Every row normalizes to x̂ = 0: the same output, that of z = β.
    for (const row of outputs) close([row], [outputs[0]]);
    close(js.predict(huge) as number[][], outputs);
    close(module.predict(huge), outputs);
    // And ordinary rows still agree.
    const ordinary = [[1, 2], [-0.5, 3]];
    close(js.predict(ordinary) as number[][], wasm.predict(ordinary) as number[][]);
    close(module.predict(ordinary), wasm.predict(ordinary) as number[][]);
  });
});

describe('float32 batch norm whose batch variance overflows', () => {
  it('the js backend gives the loss and gradient the wasm kernels give', async () => {
    const { wasm, js } = await pair('batch-norm');
    const Y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]];
    const loss = wasm.loss(huge, Y);
    expect(Number.isFinite(loss)).toBe(true);
    expect(js.loss(huge, Y)).toBeCloseTo(loss, 5);
    const gradient = Array.from(wasm.gradient(huge, Y));
    Array.from(js.gradient(huge, Y)).forEach((g, i) => expect(g).toBeCloseTo(gradient[i], 4));
  });
});
