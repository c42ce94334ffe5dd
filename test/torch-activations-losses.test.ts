// Every activation and loss against PyTorch (test/fixtures/make-activation-loss-fixtures.py):
// the output, loss and ∇θ at θ₀, then the loss and θ over 6 steps of SGD with momentum or
// Adam, on both backends. float64 agrees to 1e-9 relative; float32 within its rounding
// (θ and data start rounded to float32, then errors of ~6e-8 per operation compound).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/index.js';
import { checkTorchCase, type TorchCase } from './torch-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/activations-losses.json', import.meta.url), 'utf8')) as { cases: TorchCase[] };

describe.each(['wasm', 'js'] as const)('PyTorch fixtures on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkTorchCase(c, backend, dtype));
  });
});

it('the fixtures cover every activation PyTorch has an equivalent for', () => {
  const covered = new Set(fixture.cases.flatMap((c) => c.network.activations));
  for (const a of ['gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish'] as Activation[]) expect(covered).toContain(a);
});

it('the fixtures cover every loss, with and without its option', () => {
  const covered = new Set(fixture.cases.map((c) => `${c.network.loss} ${Object.keys(c.network.lossOptions ?? {}).join()}`));
  for (const l of ['mse ', 'cross-entropy ', 'l1 ', 'huber ', 'huber delta', 'smooth-l1 ', 'smooth-l1 beta']) expect(covered).toContain(l);
});
