// The fast predict path: predictInto writes what predict returns, allocates nothing, and the
// bulk copy + engine-side finiteness scan reports bad values as the value-by-value check did.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MLP, ShapeError, ValueError, setKernelVariant, supportedKernelVariants, type DType } from '../src/index.js';
import { randomData } from './helpers.js';

afterAll(() => setKernelVariant('auto'));
const DIST = new URL('../dist/index.js', import.meta.url);

const SPEC = { layers: [7, 16, 3], activations: ['tanh', 'softmax'] as const, loss: 'cross-entropy' as const };
const create = (dtype: DType, backend: 'wasm' | 'js' = 'wasm') => MLP.create({ ...SPEC, activations: [...SPEC.activations], dtype, backend, seed: 3 });

describe('predictInto', () => {
  it.each([
    ['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float32'], ['js', 'float64'],
  ] as const)('%s %s: writes exactly the numbers predict returns, for every input form and either out type', async (backend, dtype) => {
    const net = await create(dtype, backend);
    const { X } = randomData({ ...SPEC, activations: [...SPEC.activations] }, 5, 11);
    const X32 = Float32Array.from(X);
    const rows = Array.from({ length: 5 }, (_, i) => Array.from(X.subarray(i * 7, (i + 1) * 7)));
    for (const input of [X, X32, rows]) {
      // The network's own numbers: predict of number[][] returns them unrounded.
      const asRows = Array.isArray(input) ? input : Array.from({ length: 5 }, (_, i) => Array.from(input.subarray(i * 7, (i + 1) * 7)));
      const exact = (net.predict(asRows) as number[][]).flat();
      const out64 = new Float64Array(15);
      expect(net.predictInto(input, out64)).toBe(out64);
      expect(Array.from(out64)).toEqual(exact);
      const out32 = new Float32Array(15);
      net.predictInto(input, out32);
      expect(Array.from(out32)).toEqual(Array.from(Float32Array.from(exact)));
      if (!Array.isArray(input)) expect(net.predict(input)).toEqual(input instanceof Float32Array ? out32 : out64);
    }
    net.dispose();
  });

  it('refuses an out of the wrong kind or length, naming it, and leaves out and the network untouched', async () => {
    const net = await create('float32');
    const X = new Float32Array(14).fill(0.5);
    const before = net.getParameters();
    const out = new Float32Array(5).fill(9);
    expect(() => net.predictInto(X, out)).toThrow(new ShapeError('predictInto: out has 5 values, expected 6 (2 rows of X × 3 outputs)'));
    expect(() => net.predictInto(X, [0, 0, 0, 0, 0, 0] as never)).toThrow(new ValueError('predictInto: out must be a Float32Array or Float64Array of 6 values (2 rows × 3 outputs), got an array of length 6'));
    expect(() => net.predictInto(X, new Int32Array(6) as never)).toThrow(/predictInto: out must be a Float32Array or Float64Array of 6 values/);
    expect(Array.from(out)).toEqual([9, 9, 9, 9, 9]);
    expect(net.getParameters()).toEqual(before);
    net.dispose();
    expect(() => net.predictInto(X, new Float32Array(6))).toThrow(/predictInto: this network was disposed/);
  });

  // In a plain Node process on the built package: the test runner's module transform adds its own allocations.
  it.each(['float32', 'float64'] as const)('wasm %s: 1,000,000 calls allocate nothing (at most one garbage collection, JS heap and wasm memory unchanged)', (dtype) => {
    if (!existsSync(fileURLToPath(DIST))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const script = `
      import { GCProfiler } from 'node:v8';
      import { MLP } from ${JSON.stringify(DIST.href)};
      const net = await MLP.create({ layers: [7, 16, 3], activations: ['tanh', 'softmax'], dtype: '${dtype}', seed: 3 });
      const X = new ${dtype === 'float32' ? 'Float32Array' : 'Float64Array'}(7 * 4).fill(0.25);
      const out = new Float64Array(12);
      for (let i = 0; i < 20000; i++) net.predictInto(X, out); // warm-up: let V8 optimise the path
      const bytes = net.memoryBytes;
      gc(); // an empty young generation, so any collection below is the loop's doing
      const profiler = new GCProfiler();
      profiler.start();
      const heap = process.memoryUsage().heapUsed;
      for (let i = 0; i < 1000000; i++) net.predictInto(X, out);
      const grown = process.memoryUsage().heapUsed - heap;
      const { statistics } = profiler.stop();
      console.log(JSON.stringify({ collections: statistics.length, grown, bytes, after: net.memoryBytes }));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { collections, grown, bytes, after } = JSON.parse(run.stdout);
    console.log(`predictInto ${dtype}: ${collections} collections and ${grown} bytes of JS heap growth over 1,000,000 calls`);
    // The smallest heap object (a boxed number) is 16 bytes: one per call would be 16 MB here,
    // several young-generation collections. What happens instead is V8's one-off compilation
    // data, 10–300 kB depending on when the optimising compiler runs on a loaded machine, which
    // on Node 24 can itself start one collection.
    expect(collections).toBeLessThanOrEqual(1);
    // Compilation data grows the heap by ~1–2 MB on Node 24 whatever the call count; 16 MB would be one object a call.
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    expect(after).toBe(bytes);
  }, 60_000);
});

describe('the finiteness scan in every kernel build', () => {
  // 7 inputs per row: NaN lands in full vectors and in each row's ragged end, for 4-lane f32 and 2-lane f64.
  const variants = supportedKernelVariants();
  it.each(variants.flatMap((v) => (['float32', 'float64'] as const).map((d) => [v, d] as const)))('%s %s: every position of a bad value is found and named by row and column', async (variant, dtype) => {
    setKernelVariant(variant);
    const net = await create(dtype);
    setKernelVariant('auto');
    const X = new Float64Array(3 * 7).fill(0.5);
    for (let i = 0; i < X.length; i++) {
      for (const bad of [NaN, -Infinity]) {
        X[i] = bad;
        const where = `X[${i}] (row ${Math.floor(i / 7)}, column ${i % 7}) must be a finite number, got ${bad}`;
        expect(() => net.predict(X)).toThrow(new ValueError(`predict: ${where}`));
        expect(() => net.predictInto(X, new Float32Array(9))).toThrow(new ValueError(`predictInto: ${where}`));
        expect(() => net.evaluate(X, [0, 1, 2])).toThrow(new ValueError(`evaluate: ${where}`));
      }
      X[i] = 0.5;
    }
    net.dispose();
  });

  it('a float64 value beyond float32 is refused by a float32 network, in typed arrays and in rows', async () => {
    const net = await create('float32');
    const X = new Float64Array(14).fill(0.5);
    X[9] = -1e39;
    const why = 'must be a finite float32 number (|v| ≤ 3.4028234663852886e38: the network computes in float32), got -1e+39';
    expect(() => net.predict(X)).toThrow(new ValueError(`predict: X[9] (row 1, column 2) ${why}`));
    const rows = [Array.from(X.subarray(0, 7)), Array.from(X.subarray(7))];
    expect(() => net.predictInto(rows, new Float32Array(6))).toThrow(new ValueError(`predictInto: X row 1, column 2 ${why}`));
    net.dispose();
  });

  it('evaluate reads X in chunks: a bad value past the first chunk of 1024 rows is found at its own row, and the result equals loss()', async () => {
    const net = await create('float64');
    const { X, Y } = randomData({ ...SPEC, activations: [...SPEC.activations] }, 2500, 5);
    expect(net.evaluate(X, Y).loss).toBeCloseTo(net.loss(X, Y), 12);
    X[2100 * 7 + 4] = NaN;
    expect(() => net.evaluate(X, Y)).toThrow(new ValueError(`evaluate: X[${2100 * 7 + 4}] (row 2100, column 4) must be a finite number, got NaN`));
    net.dispose();
  });
});
