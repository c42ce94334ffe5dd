// Training, evaluating and predicting from CSV files read as they stream: the statistics pass, the
// seeded shuffle buffer, file:line:column errors deep in a file, the worker that reads ahead, and
// streamed training equal bit for bit to `fit` on the same rows in the same order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { parseCsv } from '../src/cli/csv.js';
import { featureMatrix, targetColumn } from '../src/cli/table.js';
import { ShuffleBuffer } from '../src/cli/shuffle-buffer.js';
import { isValidationRow, scanCsv, type StreamPlan } from '../src/cli/csv-stream.js';
import { batches } from '../src/cli/stream-train.js';
import { runCli } from './support/cli.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir = '';

/** `wasm-mlp …args` in the test's folder. */
const run = (...args: string[]) => runCli(dir, ...args);

/** Two features on a circle's inside (class "in") or outside ("out"); CRLF, with blank lines now and then. */
function circleCsv(rows: number): string {
  const random = new Random(5);
  const lines = ['x,y,label'];
  for (let i = 0; i < rows; i++) {
    const x = random.next() * 4 - 2;
    const y = random.next() * 4 - 2;
    lines.push(`${x.toFixed(5)},${y.toFixed(5)},${x * x + y * y < 1.6 ? 'in' : 'out'}`);
    if (i % 97 === 96) lines.push('');
  }
  return lines.join('\r\n') + '\r\n';
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-stream-'));
  writeFileSync(join(dir, 'circle.csv'), circleCsv(4000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wasm-mlp train --shuffle-buffer', () => {
  it('streams the file: counts rows, holds out a seeded split, learns, saves; evaluate and predict stream too', async () => {
    const trained = await run('train', 'circle.csv', '--target', 'label', '--layers', '16', '--epochs', '8', '--batch-size', '32', '--shuffle-buffer', '256', '--seed', '2', '--out', 'circle.wmlp');
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const held = Array.from({ length: 4000 }, (_, i) => isValidationRow(2, i, 0.2)).filter(Boolean).length;
    expect(held).toBeGreaterThan(700);
    expect(held).toBeLessThan(900);
    expect(trained.stdout).toContain('circle.csv: 4000 rows, 2 features → label (classification, 2 classes: in, out); streamed, shuffle buffer of 256 rows');
    expect(trained.stdout).toContain(`${4000 - held} training rows, ${held} validation rows`);
    expect(trained.stdout).toMatch(new RegExp(`epoch 8/8 .* ${4000 - held}/${4000 - held} .*acc \\d+\\.\\d% .*val loss \\d\\.\\d{4}`));
    expect(trained.stdout).toMatch(new RegExp(`validation: accuracy [\\d.]+% \\(\\d+ of ${held}\\)`));
    const validation = Number(/validation: accuracy ([\d.]+)%/.exec(trained.stdout)![1]);
    expect(validation).toBeGreaterThanOrEqual(90);

    const evaluated = await run('evaluate', 'circle.wmlp', 'circle.csv');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/^circle\.csv: 4000 rows, model circle\.wmlp \(classification of label\)\nevaluation: accuracy [\d.]+% \(\d+ of 4000\)/);

    const predicted = await run('predict', 'circle.wmlp', 'circle.csv', '--out', 'p.csv');
    expect([predicted.code, predicted.stderr]).toEqual([0, 'wrote 4000 predictions to p.csv\n']);
    const table = parseCsv(readFileSync(join(dir, 'p.csv'), 'utf8'), 'p.csv');
    expect(table.columns).toEqual(['x', 'y', 'label', 'predicted label', 'p(in)', 'p(out)']);
    expect(table.rows.length).toBe(4000);
    const source = parseCsv(readFileSync(join(dir, 'circle.csv'), 'utf8'), 'circle.csv');
    expect(table.rows.map((r) => r.slice(0, 3))).toEqual(source.rows);
    const agree = table.rows.filter((r) => r[2] === r[3]).length;
    expect(Number(/\((\d+) of 4000\)/.exec(evaluated.stdout)![1])).toBe(agree);
  });

  it('names the line and column of a bad cell deep in a CRLF file with blank lines, and writes no model', async () => {
    const lines = circleCsv(3000).split('\r\n');
    lines[2500] = '0.5,oops,in';
    writeFileSync(join(dir, 'bad.csv'), lines.join('\r\n'));
    const result = await run('train', 'bad.csv', '--target', 'label', '--shuffle-buffer', '100', '--out', 'bad.wmlp');
    expect([result.code, result.stderr]).toEqual([1, 'wasm-mlp: bad.csv line 2501, column "y": expected a number, got "oops"\n']);
    expect(existsSync(join(dir, 'bad.wmlp'))).toBe(false);
    const predicted = await run('predict', 'circle.wmlp', 'bad.csv', '--out', 'bad-p.csv');
    expect([predicted.code, predicted.stderr]).toEqual([1, 'wasm-mlp: bad.csv line 2501, column "y": expected a number, got "oops"\n']);
    expect(existsSync(join(dir, 'bad-p.csv'))).toBe(false);
  });

  it('refuses --shuffle-buffer 0', async () => {
    const result = await run('train', 'circle.csv', '--target', 'label', '--shuffle-buffer', '0');
    expect([result.code, result.stderr]).toEqual([2, 'wasm-mlp: --shuffle-buffer must be an integer ≥ 1, got "0" (see wasm-mlp train --help)\n']);
  });
});

describe('the statistics pass', () => {
  it('finds the task, classes, counts and the training rows\' mean and standard deviation', () => {
    writeFileSync(join(dir, 'small.csv'), 'a,b,y\r\n1,10,u\r\n\r\n2,20,v\n3,30,u\n4,40,w\n');
    const scan = scanCsv(join(dir, 'small.csv'), 'y', null, 'auto', 0, 0);
    expect(scan).toMatchObject({ columns: ['a', 'b', 'y'], features: ['a', 'b'], rows: 4, trainRows: 4, validationRows: 0, task: 'classification', classes: ['u', 'v', 'w'] });
    expect(scan.featureScaling.mean).toEqual([2.5, 25]);
    expect(scan.featureScaling.std[0]).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(scan.featureScaling.std[1]).toBeCloseTo(Math.sqrt(125), 12);
    const regression = scanCsv(join(dir, 'small.csv'), 'b', ['a'], 'auto', 0, 0);
    expect(regression).toMatchObject({ task: 'regression', classes: null, targetScaling: { mean: [25] } });
  });
});

describe('ShuffleBuffer', () => {
  const order = (capacity: number, rows: number, seed: number) => {
    const buffer = new ShuffleBuffer(capacity, 1, 1, new Random(seed));
    const out: number[] = [];
    const emit = (x: Float32Array) => out.push(x[0]);
    for (let i = 0; i < rows; i++) buffer.push((x, y) => { x[0] = i; y[0] = -i; }, emit);
    buffer.drain(emit);
    return out;
  };

  it('emits every row exactly once, seeded; capacity 1 keeps the order', () => {
    const a = order(64, 1000, 1);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(order(64, 1000, 1)).toEqual(a);
    expect(order(64, 1000, 2)).not.toEqual(a);
    expect(order(1, 50, 1)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('moves a row at most as far ahead as the buffer allows (memory bounded by its capacity)', () => {
    const out = order(16, 2000, 3);
    // Row i can leave no earlier than position i − 15: only 16 rows are ever held.
    out.forEach((row, position) => expect(position).toBeGreaterThanOrEqual(row - 15));
  });
});

describe('streamed batches', () => {
  it('train to the same parameters, bit for bit, as fit on the same rows in the same order', async () => {
    const file = join(dir, 'circle.csv');
    const plan: StreamPlan = {
      file, features: ['x', 'y'], target: 'label', task: 'classification', classes: ['in', 'out'], featureScaling: null, targetScaling: null,
      validationSplit: 0, seed: 0, role: 'all', shuffleBuffer: 1, pass: 0, chunkRows: 96,
    };
    const table = parseCsv(readFileSync(file, 'utf8'), file);
    const X = featureMatrix(table, ['x', 'y']);
    const Y = targetColumn(table, 'label', 'classification', ['in', 'out']);
    const options = { layers: [2, 8, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4 } as const;
    const streamed = await MLP.create(options);
    const inMemory = await MLP.create(options);
    streamed.setOptimizer({ type: 'adam', learningRate: 0.01 });
    inMemory.setOptimizer({ type: 'adam', learningRate: 0.01 });
    let rows = 0;
    await streamed.fitDataset(async function* () {
      for await (const batch of batches(plan, 32)) { rows += batch.y.length; yield batch; }
    }, { epochs: 2 });
    inMemory.fit(X, Y, { epochs: 2, batchSize: 32, shuffle: false });
    expect(rows).toBe(8000);
    expect(Array.from(streamed.getParameters())).toEqual(Array.from(inMemory.getParameters()));
    streamed.dispose();
    inMemory.dispose();
  });

  it('read ahead in a worker give the same chunks as read in this thread, and the same errors', async () => {
    // The worker exists only compiled: the built modules are compared.
    const { chunkSource } = await import(new URL('../dist/cli/prefetch.js', import.meta.url).href);
    const plan: StreamPlan = {
      file: join(dir, 'circle.csv'), features: ['x', 'y'], target: 'label', task: 'classification', classes: ['in', 'out'],
      featureScaling: { mean: [0.1, -0.1], std: [1.1, 1.2] }, targetScaling: null, validationSplit: 0.25, seed: 7, role: 'train', shuffleBuffer: 300, pass: 3, chunkRows: 128,
    };
    const collect = async (worker: boolean) => {
      const chunks: { X: number[]; Y: number[] }[] = [];
      for await (const c of chunkSource(plan, worker)) chunks.push({ X: Array.from(c.X), Y: Array.from(c.Y) });
      return chunks;
    };
    const inline = await collect(false);
    expect(await collect(true)).toEqual(inline);
    expect(inline.reduce((n, c) => n + c.Y.length, 0)).toBe(Array.from({ length: 4000 }, (_, i) => isValidationRow(7, i, 0.25)).filter((v) => !v).length);
    const bad = { ...plan, file: join(dir, 'bad.csv') };
    await expect(drain(chunkSource, bad, true)).rejects.toThrow(`${bad.file} line 2501, column "y": expected a number, got "oops"`);
  });
});

async function drain(source: (plan: StreamPlan, worker: boolean) => AsyncIterable<unknown>, plan: StreamPlan, worker: boolean): Promise<void> {
  for await (const _ of source(plan, worker));
}
