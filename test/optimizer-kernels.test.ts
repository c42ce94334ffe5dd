// Every optimizer's update in every SIMD build (plain, relaxed, threaded) against the scalar
// build's loop, bit for bit: the vector loops must do each element's operations in the scalar
// order, with no fused multiply-add, so θ and every state buffer come out identical. Ranges
// start and end off the vector width (threads' shares, and the scalar loop's remainder), and
// the values include signed zeros, tiny and large magnitudes, and subnormal state and gradients.
import { describe, expect, it } from 'vitest';
import type { DType } from '../src/model/options.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { Random } from '../src/core/random.js';
import { loadBuild } from './kernel-harness.js';

const SGD = 0, ADAM = 1, ADAMW = 2, RMSPROP = 3, ADAGRAD = 4;
interface Config { name: string; kind: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number; beta1?: number; beta2?: number; amsgrad?: boolean; alpha?: number; centered?: boolean; learningRateDecay?: number; epsilon?: number }
const CONFIGS: Config[] = [
  { name: 'sgd', kind: SGD },
  { name: 'sgd weight decay', kind: SGD, weightDecay: 0.01 },
  { name: 'sgd momentum, dampening', kind: SGD, momentum: 0.9, dampening: 0.3 },
  { name: 'sgd nesterov, weight decay', kind: SGD, momentum: 0.8, nesterov: true, weightDecay: 1e-3 },
  { name: 'adam', kind: ADAM },
  { name: 'adam L2', kind: ADAM, weightDecay: 0.01 },
  { name: 'adam amsgrad', kind: ADAM, amsgrad: true },
  { name: 'adam L2 amsgrad', kind: ADAM, weightDecay: 0.02, amsgrad: true },
  { name: 'adamw', kind: ADAMW, weightDecay: 0.01 },
  { name: 'adamw amsgrad', kind: ADAMW, weightDecay: 0.05, amsgrad: true },
  { name: 'rmsprop', kind: RMSPROP },
  { name: 'rmsprop centered', kind: RMSPROP, centered: true },
  { name: 'rmsprop momentum', kind: RMSPROP, momentum: 0.5 },
  { name: 'rmsprop centered, momentum, weight decay', kind: RMSPROP, centered: true, momentum: 0.9, weightDecay: 1e-4 },
  { name: 'adagrad', kind: ADAGRAD },
  { name: 'adagrad weight decay, lr decay', kind: ADAGRAD, weightDecay: 0.01, learningRateDecay: 0.05 },
];
const LENGTH = 1003;
/** [begin, end) ranges: whole, shares whose edges are off the vector width, one element, none. */
const RANGES: [number, number][] = [[0, LENGTH], [3, 1000], [16, 21], [5, 6], [7, 7]];
const STEPS = 3;
const STATE = ['momentumBuffer', 'm', 'v', 'vMax', 'squareAverage', 'gradAverage', 'sum'] as const;

/** One build with θ, ∇θ and an optimizer block in its memory; `step(t, grads)` runs update t on every range. */
function setUp(dtype: DType, variant: string, threads: boolean, config: Config) {
  const build = loadBuild(dtype, variant as never, threads);
  const { k, buffer, memory } = build;
  const g = (name: string) => (k as unknown as Record<string, WebAssembly.Global>)[`Optimizer_${name}`].value as number;
  const random = new Random(7);
  const special = [0, -0, 1e-30, -1e-30, 3e4, -3e4];
  const values = () => Array.from({ length: LENGTH }, (_, i) => (i % 97 < special.length ? special[i % 97] : random.normal()));
  const params = buffer(values());
  const grads = buffer(new Array(LENGTH).fill(0));
  // Subnormal and near-subnormal state, of both signs where a state may take either: scattered,
  // and in runs as behind a dead unit (θ[128, 384), and [700, 760) across blocks' edges), which
  // float32 builds update through f64 (assembly/optimizers/subnormal.ts).
  const signed = (name: string) => name === 'm' || name === 'momentumBuffer' || name === 'gradAverage';
  const tiny = [1e-40, 4e-45, 1.1e-38, 1e-30];
  const dead = (i: number) => (i >= 128 && i < 384) || (i >= 700 && i < 760);
  const start = (name: string, i: number) => (name === 'sum' ? 0.1 : dead(i) || i % 53 < tiny.length ? tiny[i % tiny.length] * (signed(name) && i % 2 ? -1 : 1) : 0);
  const state = Object.fromEntries(STATE.map((name) => [name, buffer(Array.from({ length: LENGTH }, (_, i) => start(name, i)))]));
  const block = buffer(new Array(Math.ceil(g('size') / 4)).fill(0)).ptr;
  const view = () => new DataView(memory.buffer);
  view().setInt32(block + g('kind'), config.kind, true);
  view().setInt32(block + g('nesterov'), config.nesterov ? 1 : 0, true);
  view().setInt32(block + g('amsgrad'), config.amsgrad ? 1 : 0, true);
  view().setInt32(block + g('centered'), config.centered ? 1 : 0, true);
  for (const name of STATE) view().setUint32(block + g(name), state[name].ptr, true);
  const numbers = { momentum: config.momentum ?? 0, dampening: config.dampening ?? 0, beta1: config.beta1 ?? 0.9, beta2: config.beta2 ?? 0.999, alpha: config.alpha ?? 0.99, epsilon: config.epsilon ?? 1e-8, weightDecay: config.weightDecay ?? 0, learningRateDecay: config.learningRateDecay ?? 0 };
  for (const [name, value] of Object.entries(numbers)) view().setFloat64(block + g(name), value, true);
  const gradRandom = new Random(11);
  return {
    step(t: number) {
      view().setFloat64(block + g('step'), t, true);
      // SGD's first step sets its buffer to the gradient: the tiny runs again for the later steps.
      if (t === 2) for (const name of STATE) if (name !== 'sum') state[name].view().forEach((x, i, values) => { if (dead(i)) values[i] = start(name, i); });
      grads.view().set(Array.from({ length: LENGTH }, (_, i) => (i % 89 < 4 ? [0, -0, 1e-20, -1e-41][i % 89] : dead(i) && i % 7 ? 0 : gradRandom.normal())));
      for (const [begin, end] of RANGES) k.optimizerUpdate(block, params.ptr, grads.ptr, begin, end, 0.01);
    },
    buffers: () => ({ params: Array.from(params.view()), ...Object.fromEntries(STATE.map((name) => [name, Array.from(state[name].view())])) }),
  };
}

/** The first index whose bits differ, per buffer (−1: identical). */
function differences(a: Record<string, number[]>, b: Record<string, number[]>) {
  return Object.fromEntries(Object.keys(a).map((name) => [name, a[name].findIndex((x, i) => !Object.is(x, b[name][i]))]));
}

const builds = supportedKernelVariants().filter((v) => v !== 'scalar').flatMap((variant) => [false, true].map((threads) => `${variant}${threads ? ' threads' : ''}`));

describe.each(['float32', 'float64'] as DType[])('optimizer updates, %s: SIMD builds against the scalar loop', (dtype) => {
  it.each(builds)('%s: every optimizer, bit for bit, over ranges off the vector width', (build) => {
    const [variant, threads] = [build.split(' ')[0], build.endsWith('threads')];
    for (const config of CONFIGS) {
      const reference = setUp(dtype, 'scalar', false, config);
      const candidate = setUp(dtype, variant, threads, config);
      for (let t = 1; t <= STEPS; t++) {
        reference.step(t);
        candidate.step(t);
      }
      const expected = reference.buffers();
      const got = candidate.buffers();
      // The update moved θ (a kernel that did nothing would pass the comparison otherwise).
      expect(expected.params.some((x, i) => x !== setUp(dtype, 'scalar', false, config).buffers().params[i]), config.name).toBe(true);
      expect(differences(got, expected), config.name).toEqual(Object.fromEntries(Object.keys(expected).map((name) => [name, -1])));
    }
  });
});
