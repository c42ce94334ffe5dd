// The playground offers exactly what the library accepts: every hidden activation and every
// optimizer, by its library name, from the registries (demo/menus.js, no browser needed).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ACTIVATIONS } from '../src/model/options.js';
import { listActivations } from '../src/registry/activations.js';
import { OPTIMIZER_TYPES, listOptimizers } from '../src/registry/optimizers.js';
import { listLosses } from '../src/registry/losses.js';
import { listNormalizations } from '../src/registry/normalizations.js';
// @ts-expect-error: plain JavaScript, without declarations
import { menuChoices } from '../demo/menus.js';

const choices = menuChoices({ activations: listActivations(), optimizers: listOptimizers(), losses: listLosses(), normalizations: listNormalizations() }) as Record<string, [string, string][]>;

it("the playground's activation choices are every hidden activation, hardswish among them", () => {
  const values = choices.activation.map(([value]) => value);
  expect([...values].sort()).toEqual(ACTIVATIONS.filter((a) => a !== 'softmax').sort());
  expect(choices.activation).toContainEqual(['hardswish', 'hardswish']);
  expect(choices.activation).toContainEqual(['leaky-relu', 'leaky ReLU']);
});

it("the playground's optimizer choices are every optimizer (SGD also with momentum), nadam among them", () => {
  expect(choices.optimizer.map(([value]) => value)).toEqual(OPTIMIZER_TYPES.flatMap((t) => (t === 'sgd' ? ['sgd', 'sgd-momentum'] : [t])));
  expect(choices.optimizer).toContainEqual(['nadam', 'NAdam']);
});

it("the playground's regression losses and normalizations are the registries'", () => {
  expect(choices['regression-loss']).toEqual([['mse', 'MSE'], ['l1', 'L1'], ['huber', 'Huber'], ['smooth-l1', 'smooth L1']]);
  expect(choices.normalization).toEqual([['none', 'none'], ['layer-norm', 'layer norm'], ['batch-norm', 'batch norm']]);
});

it('the page leaves every such menu to demo/menus.js', () => {
  const html = readFileSync(new URL('../demo/index.html', import.meta.url), 'utf8');
  for (const id of ['activation', 'optimizer', 'regression-loss', 'normalization']) {
    const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)![1];
    expect(select).not.toMatch(/<option/);
  }
});
