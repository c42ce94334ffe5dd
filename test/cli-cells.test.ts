// A CSV cell the CLI cannot store is refused where it is, with file, line and column: 1e39 is a
// finite number but Infinity in float32 (the CLI's features and targets are float32), and 0x10,
// 0b101, 0o17 are JavaScript integer literals that Number() reads, not decimal numbers a CSV means.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvNumber } from '../src/cli/csv-number.js';
import { parseNumberBytes } from '../src/cli/number-bytes.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir = '';

function train(file: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'train', file, '--target', 'y', '--epochs', '1', '--out', 'm.wmlp', ...args], { cwd: dir }, (error, _stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stderr });
    });
  });
}

/** 300 ordinary rows with `cell` in column b of data line `line` (the file's line line + 1). */
function fileWith(name: string, cell: string, line: number, column: 'b' | 'y' = 'b'): string {
  const rows = Array.from({ length: 300 }, (_, i) => [i % 7, (i * 3) % 11, (i % 5) * 0.5]);
  const text = rows.map((r, i) => (i === line - 1 ? (column === 'b' ? [r[0], cell, r[2]] : [r[0], r[1], cell]) : r).join(','));
  writeFileSync(join(dir, name), `a,b,y\n${text.join('\n')}\n`);
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cells-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([['in memory', [] as string[]], ['streamed', ['--shuffle-buffer', '50']]])('%s', (_, extra) => {
  it('a feature cell of 1e39 (past float32) is refused with file, line and column', async () => {
    const run = await train(fileWith('big.csv', '1e39', 250), ...extra);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('wasm-mlp: big.csv line 251, column "b": expected a number within float32\'s range (±3.4e38), which the CLI stores values in, got "1e39"\n');
  });

  it('a regression target of -4e38 is refused the same way', async () => {
    const run = await train(fileWith('bigy.csv', '-4e38', 17, 'y'), ...extra);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bigy.csv line 18, column "y": expected a number within float32\'s range');
  });

  it.each(['0x10', '0b101', '0o17', '-0x1'])('a feature cell %s is not a number', async (cell) => {
    const run = await train(fileWith('hex.csv', cell, 3), ...extra);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`wasm-mlp: hex.csv line 4, column "b": expected a number, got "${cell}"\n`);
  });
});

describe('csvNumber and the byte reader', () => {
  it('read decimals as Number() does, and integer literals as NaN', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    for (const cell of ['12', '-3.5', '1e39', ' 7 ', '.5', 'Infinity', '0x10', '0B11', '0o7', '+0x2', '', 'abc', '00012', '0e5']) {
      const want = cell.trim() === '' || /^[+-]?0[xbo]/i.test(cell.trim()) ? NaN : Number(cell.trim());
      expect(csvNumber(cell.trim())).toBe(want);
      expect(parseNumberBytes(bytes(cell), 0, bytes(cell).length)).toBe(want);
    }
  });
});

describe('R² where the target does not vary', () => {
  function trainOut(file: string, ...args: string[]): Promise<string> {
    return new Promise((resolve) => {
      execFile(process.execPath, [bin, 'train', file, '--target', 'y', '--epochs', '2', '--out', 'r.wmlp', ...args], { cwd: dir }, (_error, stdout) => resolve(stdout));
    });
  }

  it('a constant target: says why R² is undefined, not NaN', async () => {
    writeFileSync(join(dir, 'constant.csv'), `a,b,y\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 3},2.5`).join('\n')}\n`);
    const stdout = await trainOut('constant.csv');
    expect(stdout).not.toContain('NaN');
    expect(stdout).toMatch(/^training: MSE \S+, RMSE \S+, MAE \S+, R² undefined \(the target is 2\.5 in every row, so it has no variance to explain\)$/m);
  });

  it('one validation row: says so', async () => {
    writeFileSync(join(dir, 'five.csv'), `a,b,y\n${Array.from({ length: 5 }, (_, i) => `${i % 7},${i % 3},${i * 0.5}`).join('\n')}\n`);
    const stdout = await trainOut('five.csv', '--validation-split', '0.2');
    expect(stdout).toMatch(/^training: .* R² -?\d\.\d{4}$/m);
    expect(stdout).toMatch(/^validation: .* R² undefined \(one row, so it has no variance to explain\)$/m);
  });
});
