// Loss weighting against PyTorch (test/fixtures/make-weighting-fixtures.py): class weights and
// label smoothing (nn.CrossEntropyLoss(weight, label_smoothing)), positive weights
// (nn.BCEWithLogitsLoss(pos_weight)) and sample weights (Σ sᵢℓᵢ / Σ sᵢdᵢ from torch's per-row
// losses), alone and combined, with SGD with momentum and Adam, on both backends and dtypes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTorchCase, type TorchCase } from './torch-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/weighting.json', import.meta.url), 'utf8')) as { cases: TorchCase[] };

describe.each(['wasm', 'js'] as const)('PyTorch weighting fixtures on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkTorchCase(c, backend, dtype));
  });
});

it('the fixtures cover every weighting option alone and combined, and sample weights with every loss family', () => {
  const covered = new Set(fixture.cases.map((c) => `${c.network.loss} ${[...Object.keys(c.network.lossOptions ?? {}), ...(c.sampleWeight ? ['sampleWeight'] : [])].join('+')}`));
  for (const k of ['cross-entropy classWeights', 'cross-entropy labelSmoothing', 'cross-entropy classWeights+labelSmoothing', 'binary-cross-entropy posWeight',
    'mse sampleWeight', 'l1 sampleWeight', 'huber delta+sampleWeight', 'smooth-l1 sampleWeight', 'cross-entropy sampleWeight',
    'cross-entropy classWeights+labelSmoothing+sampleWeight', 'binary-cross-entropy posWeight+sampleWeight', 'binary-cross-entropy sampleWeight']) expect(covered).toContain(k);
});
