// The `wasm-mlp` binary on a CSV with a text column and class names, as a child process: the
// error that suggests --categorical, one-hot training, predict/evaluate on raw rows, and the
// exported module and ONNX model predicting from raw rows what the library predicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MLP } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { Random } from '../src/core/random.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const CITIES = ['Springfield', 'Shelbyville', 'Ogdenville'];
let dir = '';
/** rooms, area, city, kind: the kind follows the area and the city, so the city matters. */
let rows: [number, number, string, string][] = [];

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  ort.env.wasm.numThreads = 1;
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-categorical-'));
  const random = new Random(5);
  rows = Array.from({ length: 120 }, () => {
    const city = CITIES[random.int(3)];
    const area = Math.round(30 + random.next() * 170);
    return [1 + random.int(6), area, city, area > 140 ? 'villa' : city === 'Springfield' ? 'flat' : 'house'];
  });
  writeFileSync(join(dir, 'homes.csv'), 'rooms,area,city,kind\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wasm-mlp with a text column', () => {
  it('refuses it without --categorical, suggesting --categorical and --features', async () => {
    const result = await run('train', 'homes.csv', '--target', 'kind', '--epochs', '1');
    expect([result.code, result.stderr]).toEqual([1, `wasm-mlp: homes.csv line 2, column "city": expected a number, got "${rows[0][2]}"; if "city" holds categories, add --categorical city (or --categorical auto) to one-hot encode it, or leave it out with --features\n`]);
  });

  it.each([
    [['--categorical', 'town'], /--categorical names "town", which is not a column of homes.csv \(columns: rooms, area, city, kind\)/],
    [['--categorical', 'kind'], /--categorical must not include the target "kind"/],
    [['--categorical', 'city', '--shuffle-buffer', '10'], /--categorical needs the file in memory/],
  ])('refuses --categorical %s', async (args, message) => {
    const result = await run('train', 'homes.csv', '--target', 'kind', '--epochs', '1', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('one-hot encodes it, and the model predicts raw rows everywhere: predict, evaluate, the exported module, ONNX, MLP.load and Predictor', async () => {
    const trained = await run('train', 'homes.csv', '--target', 'kind', '--categorical', 'auto', '--layers', '12', '--epochs', '60', '--seed', '2', '--out', 'homes.wmlp');
    expect(trained.stderr).toBe('');
    expect(trained.stdout).toContain('homes.csv: 120 rows, 3 features; city one-hot (3 categories) → kind (classification, 3 classes: flat, house, villa)');
    expect(trained.stdout).toContain('network 5-12-3');
    const accuracy = Number(/training: accuracy ([\d.]+)%/.exec(trained.stdout)![1]);
    expect(accuracy).toBeGreaterThan(90);

    // The model file's network has the stage and the class names.
    const model = JSON.parse(readFileSync(join(dir, 'homes.wmlp'), 'utf8'));
    expect(model.featureScaling).toBeNull();
    const net = await MLP.load(Buffer.from(model.checkpoint, 'base64'));
    expect(net.classNames).toEqual(['flat', 'house', 'villa']);
    expect(net.input!.columns.map((c) => [c.name, c.type])).toEqual([['rooms', 'standardize'], ['area', 'standardize'], ['city', 'one-hot']]);
    const raw = rows.map(([r, a, c]) => [r, a, c]);
    const expected = net.predict(raw) as number[][];
    const names = expected.map((p) => net.classNames![p.indexOf(Math.max(...p))]);

    const predicted = await run('predict', 'homes.wmlp', 'homes.csv');
    expect(predicted.code).toBe(0);
    const lines = predicted.stdout.trim().split('\n');
    expect(lines[0]).toBe('rooms,area,city,kind,predicted kind,p(flat),p(house),p(villa)');
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(names);

    const evaluated = await run('evaluate', 'homes.wmlp', 'homes.csv');
    expect(evaluated.stdout).toContain(`evaluation: accuracy ${(100 * names.filter((n, i) => n === rows[i][3]).length / rows.length).toFixed(2)}%`);

    expect((await run('export', 'homes.wmlp', '--out', 'homes.mjs')).code).toBe(0);
    const mod = await import(pathToFileURL(join(dir, 'homes.mjs')).href);
    expect(mod.classNames).toEqual(['flat', 'house', 'villa']);
    const fromModule = mod.predict(raw) as number[][];
    for (let i = 0; i < raw.length; i++) for (let k = 0; k < 3; k++) expect(fromModule[i][k]).toBeCloseTo(expected[i][k], 6);
    expect(mod.predictRows(raw)).toEqual(names);
    // predictRows also reads objects keyed by column name, and numbers given as text.
    expect(mod.predictRows([{ rooms: '3', area: '180', city: 'Ogdenville' }, [2, 50, 'Springfield']])).toEqual(mod.predictRows([[3, 180, 'Ogdenville'], [2, 50, 'Springfield']]));

    expect((await run('export', 'homes.wmlp', '--format', 'onnx', '--out', 'homes.onnx')).code).toBe(0);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'homes.onnx'))), { executionProviders: ['wasm'] });
    const output = await session.run({ input: new ort.Tensor('string', raw.flat().map(String), [raw.length, 3]) });
    const onnx = output.output.data as Float32Array;
    expect(Math.max(...expected.flat().map((v, i) => Math.abs(v - onnx[i])))).toBeLessThan(1e-5);
    await session.release();

    const predictor = await Predictor.load(Buffer.from(model.checkpoint, 'base64'));
    expect(predictor.predict(raw as never)).toEqual(expected);
    // A city the training rows never had encodes as all zeros (the CLI's one-hot ignores unknown categories).
    expect(() => net.predict([[2, 60, 'Capital City']])).not.toThrow();
    predictor.dispose();
    net.dispose();
  });

  it('reads a --validation file with the training file\'s stage: a city it never saw encodes as all zeros', async () => {
    writeFileSync(join(dir, 'more.csv'), 'rooms,area,city,kind\n3,150,Capital City,villa\n2,40,Springfield,flat\n');
    const trained = await run('train', 'homes.csv', '--target', 'kind', '--categorical', 'city', '--validation', 'more.csv', '--epochs', '5', '--out', 'validated.wmlp');
    expect(trained.stderr).toBe('');
    expect(trained.stdout).toMatch(/validation: accuracy [\d.]+% \(\d of 2\)/);
    const predicted = await run('predict', 'validated.wmlp', 'more.csv');
    expect(predicted.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('a regression with a text feature: the exported predict takes raw rows and returns the target in its units', async () => {
    const trained = await run('train', 'homes.csv', '--target', 'area', '--categorical', 'city,kind', '--layers', '8', '--epochs', '20', '--out', 'area.wmlp');
    expect(trained.stderr).toBe('');
    const model = JSON.parse(readFileSync(join(dir, 'area.wmlp'), 'utf8'));
    const net = await MLP.load(Buffer.from(model.checkpoint, 'base64'));
    const raw = rows.map(([r, , c, k]) => [r, c, k]);
    const { mean, std } = model.targetScaling;
    const expected = (net.predict(raw) as number[][]).map(([y]) => y * std[0] + mean[0]);
    expect((await run('export', 'area.wmlp', '--out', 'area.mjs')).code).toBe(0);
    const mod = await import(pathToFileURL(join(dir, 'area.mjs')).href);
    const got = (mod.predict(raw) as number[][]).map(([y]) => y);
    got.forEach((y, i) => expect(y).toBeCloseTo(expected[i], 3));
    expect(mod.predictRows(raw)).toEqual(got);
    net.dispose();
  });

  it('still reads a model file from before input stages (a bare network beside featureScaling): same predictions, same export', async () => {
    expect((await run('train', 'homes.csv', '--target', 'kind', '--features', 'rooms,area', '--layers', '8', '--epochs', '10', '--out', 'staged.wmlp')).code).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, 'staged.wmlp'), 'utf8'));
    const { input: _input, classNames: _names, ...bare } = (await MLP.load(Buffer.from(model.checkpoint, 'base64'))).toJSON();
    writeFileSync(join(dir, 'old.wmlp'), JSON.stringify({ ...model, checkpoint: Buffer.from((await MLP.fromJSON(bare)).save()).toString('base64') }));
    const [fromNew, fromOld] = [await run('predict', 'staged.wmlp', 'homes.csv'), await run('predict', 'old.wmlp', 'homes.csv')];
    expect(fromOld.stderr).toBe('');
    expect(fromOld.stdout).toBe(fromNew.stdout);
    expect((await run('export', 'old.wmlp', '--out', 'old.mjs')).code).toBe(0);
    expect((await run('export', 'staged.wmlp', '--out', 'staged.mjs')).code).toBe(0);
    const [oldModule, newModule] = [await import(pathToFileURL(join(dir, 'old.mjs')).href), await import(pathToFileURL(join(dir, 'staged.mjs')).href)];
    const raw = rows.map(([r, a]) => [r, a]);
    expect(oldModule.predictRows(raw)).toEqual(newModule.predictRows(raw));
  });

  it('a numeric model standardises raw rows in its own network: the exported predict takes raw feature values', async () => {
    const trained = await run('train', 'homes.csv', '--target', 'kind', '--features', 'rooms,area', '--layers', '8', '--epochs', '20', '--out', 'numeric.wmlp');
    expect(trained.code).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, 'numeric.wmlp'), 'utf8'));
    const net = await MLP.load(Buffer.from(model.checkpoint, 'base64'));
    expect(net.input!.columns).toEqual([
      { name: 'rooms', type: 'standardize', mean: model.featureScaling.mean[0], std: model.featureScaling.std[0] },
      { name: 'area', type: 'standardize', mean: model.featureScaling.mean[1], std: model.featureScaling.std[1] },
    ]);
    expect((await run('export', 'numeric.wmlp', '--out', 'numeric.mjs')).code).toBe(0);
    const mod = await import(pathToFileURL(join(dir, 'numeric.mjs')).href);
    const raw = rows.slice(0, 10).map(([r, a]) => [r, a]);
    const expected = net.predict(raw) as number[][];
    const got = mod.predict(raw) as number[][];
    for (let i = 0; i < raw.length; i++) for (let k = 0; k < 3; k++) expect(got[i][k]).toBeCloseTo(expected[i][k], 6);
    expect(mod.predictRows(raw)).toEqual(expected.map((p) => mod.classes[p.indexOf(Math.max(...p))]));
    net.dispose();
  });
});
