// `wasm-mlp train` never loses a training: SIGINT or SIGTERM stops after the batch in progress
// and saves the model trained so far; a --out that cannot be written at the end (/dev/full, its
// folder removed meanwhile) gets the model in the temporary folder instead, and the CLI says
// where; a previous model at --out is replaced whole by a rename, never truncated and rewritten.
// The compiled bin (dist/) runs as a child process, signalled as a shell would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP } from '../src/index.js';
import { Random } from '../src/core/random.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir = '';

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs the CLI; `when(stdout)` true → `act` once (send a signal, remove a folder). */
function train(args: string[], when?: (stdout: string) => boolean, act?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'train', 'data.csv', '--target', 'y', '--layers', '16', '--seed', '1', ...args], { cwd: dir });
    let stdout = '', stderr = '', acted = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!acted && when?.(stdout)) {
        acted = true;
        act!(child.pid!);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The saved file's network, loaded as a user would (the checkpoint inside the .wmlp JSON). */
async function loadSaved(path: string): Promise<MLP> {
  const model = JSON.parse(readFileSync(path, 'utf8')) as { checkpoint: string; format: string };
  expect(model.format).toBe('wasm-mlp-cli-model');
  return MLP.load(Buffer.from(model.checkpoint, 'base64'));
}

const savedTo = (text: string) => /saved the model(?: trained so far)? to (.+?)(?: instead)?$/m.exec(text)?.[1];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-save-'));
  const random = new Random(5);
  const rows = Array.from({ length: 2000 }, () => {
    const [a, b, c] = [random.normal(), random.normal(), random.normal()];
    return `${a},${b},${c},${a + b > 0 ? 'p' : 'n'}`;
  });
  writeFileSync(join(dir, 'data.csv'), `a,b,c,y\n${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s mid-training', (signal, status) => {
  it.each([[[] as string[]], [['--shuffle-buffer', '500']]])('saves the model trained so far to --out and says so (%j)', async (extra) => {
    const out = `${signal}${extra.length}.wmlp`;
    const run = await train(['--epochs', '100000', '--out', out, ...extra], (s) => s.includes('epoch      3/'), (pid) => process.kill(pid, signal));
    expect(run.code).toBe(status);
    expect(run.stderr).toContain(`wasm-mlp: ${signal}: finishing the batch in progress, then saving the model trained so far`);
    expect(run.stdout).toContain(`saved the model trained so far to ${out}`);
    expect(run.stdout).not.toMatch(/epoch 100000\/100000/);
    const net = await loadSaved(join(dir, out));
    // Trained at least the three epochs it printed (each one fit call per chunk of 512 rows in
    // memory, one fitDataset call streamed).
    expect(net.epoch).toBeGreaterThanOrEqual(3);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('an --out that cannot be written when training ends', () => {
  it.runIf(existsSync('/dev/full'))('/dev/full: the model goes to the temporary folder, and the CLI says where', async () => {
    const run = await train(['--epochs', '2', '--out', '/dev/full']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^wasm-mlp: could not write \/dev\/full \(ENOSPC\); saved the model to (.+) instead$/m);
    const path = savedTo(run.stderr)!;
    expect(path.startsWith(tmpdir())).toBe(true);
    expect((await loadSaved(path)).epoch).toBe(2 * 4); // 2 epochs of 4 chunks (1,600 rows, 512 a chunk)
    rmSync(path);
  });

  it('its folder removed during training: the model goes to the temporary folder', async () => {
    mkdirSync(join(dir, 'gone'));
    const run = await train(['--epochs', '30', '--out', 'gone/m.wmlp'], (s) => s.includes('epoch  2/'), () => rmSync(join(dir, 'gone'), { recursive: true }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('wasm-mlp: could not write gone/m.wmlp (ENOENT); saved the model to ');
    const path = savedTo(run.stderr)!;
    expect((await loadSaved(path)).epoch).toBe(30 * 4);
    rmSync(path);
  });
});

describe('a previous model at --out', () => {
  it('is replaced whole by a rename: the old file (seen through a hard link) is never rewritten', async () => {
    const out = join(dir, 'previous.wmlp');
    const old = '{"format":"wasm-mlp-cli-model","old":true}\n';
    writeFileSync(out, old);
    linkSync(out, join(dir, 'previous.link'));
    const run = await train(['--epochs', '1', '--out', 'previous.wmlp']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('saved the model to previous.wmlp');
    expect(readFileSync(join(dir, 'previous.link'), 'utf8')).toBe(old);
    expect((await loadSaved(out)).epoch).toBe(4);
  });
});
