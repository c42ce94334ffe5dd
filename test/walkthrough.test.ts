// `npm start` prints the seed's walkthrough; every number in it comes from the library.
import { describe, expect, it } from 'vitest';
import { workedExample } from '../src/api/worked-example.js';

describe.each([['wasm', 'float64'], ['js', 'float64'], ['wasm', 'float32']] as const)('the worked example on %s / %s', (backend, dtype) => {
  it('shows every number of the seed, in its terms', async () => {
    const text = (await workedExample(backend, dtype)).join('\n');
    for (const line of [
      'z(x1) = 1×2 + 1×1 + 0×1 = 3',
      'z(x2) = 1×(−3) + 1×2 + 0×1 = −1',
      'h(x2) = g(−1) = 0',
      'L(x1, y1) = (3 − 1.3)² = 2.89',
      'L(x2, y2) = (0 − 1.9)² = 3.61',
      'L(D) = ½ (2.89 + 3.61) = 3.25',
      'δŷ(x1, y1) = 2(3 − 1.3) = 3.4',
      'δŷ(x2, y2) = 2(0 − 1.9) = −3.8',
      'δh(x1, y1) = 3.4',
      'δh(x2, y2) = 0',
      '∇θ L(x1, y1) = (6.8, 3.4, 3.4, 10.2, 3.4)',
      '∇θ L(x2, y2) = (0, 0, 0, 0, −3.8)',
      '∇θ L(D) = (3.4, 1.7, 1.7, 5.1, −0.2)',
      '= (0.966, 0.983, −0.017, 0.949, 0.002)',
      'z(x1) = 2.898,  h(x1) = 2.898,  ŷ(x1) = 2.752202',
      'z(x2) = −0.949,  h(x2) = 0,  ŷ(x2) = 0.002',
      'the loss of the network on D is less',
    ]) {
      if (dtype === 'float64' || !/2\.752202|0\.966|−0\.949/.test(line)) expect(text).toContain(line);
    }
    expect(text).toMatch(dtype === 'float64' ? /L\(D\) = ½ \(2\.108890649 \+ 3\.602404\) = 2\.855647324/ : /= 2\.8556\d+/);
  });
});

it('is exported as workedExample only: the pre-release name seedWalkthrough is gone', async () => {
  const api: Record<string, unknown> = await import('../src/index.js');
  expect(typeof api.workedExample).toBe('function');
  expect('seedWalkthrough' in api).toBe(false);
});
