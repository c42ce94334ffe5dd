import { MLP } from './mlp.js';
import type { Backend, DType } from '../model/options.js';

/** The worked example's data set, network and starting point: one step on a 2-1-1 ReLU network. */
export const SEED = {
  X: [[2, 1], [-3, 2]],
  Y: [[1.3], [1.9]],
  theta: [1, 1, 0, 1, 0],
  learningRate: 0.01,
};

/** A number as the worked example writes it: `digits` significant digits at most, no trailing zeros, a real minus sign. */
function formatNumber(v: number, digits: number): string {
  const rounded = Number(v.toPrecision(digits));
  return (rounded === 0 ? '0' : String(rounded)).replace('-', '−');
}

/**
 * The worked example the library started from — one gradient-descent step on a 2-1-1 ReLU
 * network: forward values, loss 3.25, backpropagated deltas, gradient (3.4, 1.7, 1.7, 5.1, −0.2),
 * the updated θ and loss 2.855 after the step — with every number computed by the library
 * (trace, gradient, step, loss) and printed in the example's own terms, one string per line.
 *
 * @example
 * for (const line of await workedExample()) console.log(line);
 * @throws ValueError for an unknown backend or dtype.
 */
export async function workedExample(backend: Backend = 'wasm', dtype: DType = 'float64'): Promise<string[]> {
  const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', dtype, backend });
  // Show what the dtype resolves, so float32 rounding noise stays out of sight.
  const fmt = (v: number) => formatNumber(v, dtype === 'float32' ? 6 : 10);
  // A factor in a product: negative numbers in parentheses, as the seed writes 1×(−3).
  const factor = (v: number) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  const vec = (values: ArrayLike<number>) => `(${Array.from(values, fmt).join(', ')})`;
  try {
    net.setParameters(SEED.theta);
    const out: string[] = [];
    const say = (line = '') => out.push(line);
    const [w0, w1, w2, w3, w4] = net.getParameters();
    say(`A gradient-descent step worked by hand, computed live by wasm-mlp (backend ${backend}, ${dtype})`);
    say('Network 2-1-1: z = w0·x[0] + w1·x[1] + w2,  h = g(z) = max(0, z),  ŷ = w3·h + w4');
    say(`θ = (w0, w1, w2, w3, w4) = ${vec([w0, w1, w2, w3, w4])}`);
    say(`D = { x1 = ${vec(SEED.X[0])}, y1 = ${fmt(SEED.Y[0][0])};  x2 = ${vec(SEED.X[1])}, y2 = ${fmt(SEED.Y[1][0])} }`);

    const before = net.trace(SEED.X, SEED.Y);
    say();
    say('1. Forward pass');
    before.samples.forEach((s, i) => {
      const n = i + 1;
      const [z] = s.layers[0].z;
      const [h] = s.layers[0].h;
      say(`   z(x${n}) = ${fmt(w0)}×${factor(s.x[0])} + ${fmt(w1)}×${factor(s.x[1])} + ${fmt(w2)}×1 = ${fmt(z)}`);
      say(`   h(x${n}) = g(${fmt(z)}) = ${fmt(h)}`);
      say(`   ŷ(x${n}) = ${fmt(w3)}×${fmt(h)} + ${fmt(w4)}×1 = ${fmt(s.output[0])}`);
    });

    say();
    say('2. Loss: L(x, y) = (ŷ(x) − y)²,  L(D) = ½ (L(x1, y1) + L(x2, y2))');
    before.samples.forEach((s, i) => say(`   L(x${i + 1}, y${i + 1}) = (${fmt(s.output[0])} − ${fmt(s.y[0])})² = ${fmt(s.loss)}`));
    say(`   L(D) = ½ (${before.samples.map((s) => fmt(s.loss)).join(' + ')}) = ${fmt(before.loss)}`);

    say();
    say('3. Backpropagation: δŷ = ∂L/∂ŷ = 2(ŷ − y),  δh = ∂L/∂z = δŷ·w3·g\'(z)  (g\'(z) = 0 for z ≤ 0)');
    before.samples.forEach((s, i) => say(`   δŷ(x${i + 1}, y${i + 1}) = 2(${fmt(s.output[0])} − ${fmt(s.y[0])}) = ${fmt(s.layers[1].delta[0])}`));
    before.samples.forEach((s, i) => {
      const z = s.layers[0].z[0];
      const why = z > 0 ? `z(x${i + 1}) = ${fmt(z)} > 0: δŷ·w3 = ${fmt(s.layers[1].delta[0])}×${fmt(w3)}` : `z(x${i + 1}) = ${fmt(z)} ≤ 0`;
      say(`   δh(x${i + 1}, y${i + 1}) = ${fmt(s.layers[0].delta[0])}   (${why})`);
    });
    say('   ∇θ L(x, y) = (δh·x[0], δh·x[1], δh, δŷ·h(x), δŷ)');
    before.samples.forEach((s, i) => say(`   ∇θ L(x${i + 1}, y${i + 1}) = ${vec(s.gradient)}`));

    say();
    say('4. Gradient of the data set: ∇θ L(D) = ½ (∇θ L(x1, y1) + ∇θ L(x2, y2))');
    say(`   ∇θ L(D) = ${vec(before.gradient)}`);
    say(`   (net.gradient(X, Y) gives ${vec(net.gradient(SEED.X, SEED.Y))})`);

    say();
    say(`5. One gradient-descent step: θ ← θ − η·∇θ L(D), η = ${fmt(SEED.learningRate)}`);
    const lossBefore = net.step(SEED.X, SEED.Y, { learningRate: SEED.learningRate });
    const theta = net.getParameters();
    say(`   θ = ${vec(SEED.theta)} − ${fmt(SEED.learningRate)}·${vec(before.gradient)}`);
    say(`     = ${vec(theta)}`);

    const after = net.trace(SEED.X, SEED.Y);
    say();
    say('6. The loss after the step');
    after.samples.forEach((s, i) => {
      say(`   z(x${i + 1}) = ${fmt(s.layers[0].z[0])},  h(x${i + 1}) = ${fmt(s.layers[0].h[0])},  ŷ(x${i + 1}) = ${fmt(s.output[0])},  L(x${i + 1}, y${i + 1}) = ${fmt(s.loss)}`);
    });
    say(`   L(D) = ½ (${after.samples.map((s) => fmt(s.loss)).join(' + ')}) = ${fmt(after.loss)}   (worked by hand, each term rounded to 3 places: 2.855)`);
    say(after.loss < lossBefore
      ? `   The loss fell from ${fmt(lossBefore)} to ${fmt(after.loss)}: after updating θ, the loss of the network on D is less.`
      : `   The loss did not fall (${fmt(lossBefore)} → ${fmt(after.loss)}).`);

    say();
    say('7. η controls how far θ moves along the gradient. Larger η converges faster but can fail to');
    say('   converge; a relatively large η early and a smaller one late often works best.');
    return out;
  } finally {
    net.dispose();
  }
}
