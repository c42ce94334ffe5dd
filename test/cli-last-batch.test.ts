// The CLI chose the batching, so a last batch of one row under batch norm (which cannot
// normalize one row) is its business: each epoch leaves that row out, as PyTorch's drop_last
// would, and says so before training in the user's numbers, in memory and streamed alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/core/random.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir = '';

function train(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'train', file, '--target', 'y', '--layers', '8', '--normalization', 'batch-norm', '--validation-split', '0', '--epochs', '2', '--out', 'm.wmlp', ...args], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function writeRows(name: string, rows: number): void {
  const random = new Random(3);
  const lines = Array.from({ length: rows }, () => {
    const [a, b] = [random.normal(), random.normal()];
    return `${a},${b},${a - b > 0 ? 'p' : 'n'}`;
  });
  writeFileSync(join(dir, name), `a,b,y\n${lines.join('\n')}\n`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-last-batch-'));
  writeRows('rows1617.csv', 1617);
  writeFileSync(join(dir, 'rows1.csv'), 'a,b,y\n1,2,3.5\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('batch norm and a last batch of one row', () => {
  it.each([['in memory', [] as string[]], ['streamed', ['--shuffle-buffer', '100']]])('%s: says so before training, in the user\'s numbers, and trains every epoch on the other rows', async (_, extra) => {
    const run = await train('rows1617.csv', ...extra);
    expect(run.stderr).toBe("wasm-mlp: note: 1617 training rows in batches of 16 leave a last batch of 1 row, which batch norm cannot train on; each epoch leaves it out (a different row each epoch, as the order is shuffled), as PyTorch's drop_last would. Choose another --batch-size to train on every row.\n");
    expect(run.code).toBe(0);
    expect(run.stdout.indexOf('1617 training rows')).toBeLessThan(run.stdout.indexOf('epoch 1/2'));
    expect(run.stdout).toMatch(/epoch 2\/2 \S+ 1616\/1616 /);
    expect(run.stdout).toContain('saved the model to m.wmlp');
  });

  it('another batch size trains every row, without a note', async () => {
    const run = await train('rows1617.csv', '--batch-size', '14');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/epoch 2\/2 \S+ 1617\/1617 /);
  });

  it('one training row in all (a regression): refused before training', async () => {
    const run = await train('rows1.csv');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("wasm-mlp: --normalization batch-norm normalizes over a batch's rows and needs at least 2 training rows, got 1");
  });
});
