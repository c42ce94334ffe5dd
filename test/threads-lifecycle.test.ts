// Worker lifecycle, tested the way users meet it: in a separate Node process running the
// compiled package. dispose() ends the workers; a process exits normally after dispose() and
// even without it (idle workers never hold it open).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'test-artifacts', 'threads-dist');
const entry = pathToFileURL(join(out, 'index.js')).href;

beforeAll(() => {
  // Compile the sources as `npm run build:ts` does, into a scratch folder (src/ stays the truth).
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', out, '--declaration', 'false', '--sourceMap', 'false', '--inlineSources', 'false']);
  mkdirSync(join(out, 'wasm', 'build'), { recursive: true });
  cpSync(join(root, 'src', 'wasm', 'build'), join(out, 'wasm', 'build'), { recursive: true, filter: (p) => !p.endsWith('.wat') });
  cpSync(join(root, 'src', 'threads', 'worker.js'), join(out, 'threads', 'worker.js'));
}, 180_000);

/** Runs an ES module in a fresh Node process; it must exit by itself within the timeout. */
function runNode(source: string) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, signal: result.signal, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const train = `
  import { MLP } from ${JSON.stringify(entry)};
  const net = await MLP.create({ layers: [256, 256, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', threads: 3 });
  const X = Float32Array.from({ length: 256 * 256 }, (_, i) => Math.sin(i));
  const history = net.fit(X, Array.from({ length: 256 }, (_, i) => i % 10), { epochs: 2, batchSize: 128 });
  const threads = net.threads;
  const parallel = net.engine.threading.parallelCalls > 0;
`;

describe('worker lifecycle (separate Node process, compiled package)', () => {
  it('a process exits normally after dispose()', () => {
    const run = runNode(`${train}
      net.dispose();
      console.log(JSON.stringify({ threads, parallel, epochs: history.epochs }));`);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ status: 0, signal: null });
    expect(JSON.parse(run.stdout)).toEqual({ threads: 3, parallel: true, epochs: 2 });
  });

  it('a process that forgets dispose() still exits normally', () => {
    const run = runNode(`${train}
      console.log(JSON.stringify({ threads, parallel }));`);
    expect(run).toMatchObject({ status: 0, signal: null, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ threads: 3, parallel: true });
  });

  it.runIf(existsSync('/proc/self/task'))('dispose() ends the worker threads (Linux thread count)', () => {
    const run = runNode(`
      import { readdirSync } from 'node:fs';
      import { readFile } from 'node:fs/promises';
      const tasks = () => readdirSync('/proc/self/task').length;
      // Loading the kernels reads files asynchronously, which starts libuv's thread pool (4
      // threads that live as long as the process); start it first so only workers are counted.
      // (Node 20's module loader has started it already; Node 24's has not.)
      await readFile('/proc/self/stat');
      const before = tasks();
      ${train}
      const running = tasks();
      net.dispose();
      let after = tasks();
      for (let i = 0; i < 100 && after > before; i++) { await new Promise((r) => setTimeout(r, 20)); after = tasks(); }
      console.log(JSON.stringify({ started: running - before, left: after - before }));`);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ started: 2, left: 0 });
  });

  it.runIf(existsSync('/proc/self/task'))("threads: 'auto' starts no thread for a network whose batches never need one (Linux thread count)", () => {
    const run = runNode(`
      import { readdirSync } from 'node:fs';
      import { readFile } from 'node:fs/promises';
      import { MLP } from ${JSON.stringify(entry)};
      const tasks = () => readdirSync('/proc/self/task').length;
      await readFile('/proc/self/stat');
      const before = tasks();
      const net = await MLP.create({ layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cross-entropy', threads: 'auto' });
      const X = Float32Array.from({ length: 1024 * 2 }, (_, i) => Math.sin(i));
      net.fit(X, Array.from({ length: 1024 }, (_, i) => i % 2), { epochs: 2, batchSize: 32 });
      net.predict(X);
      console.log(JSON.stringify({ started: tasks() - before }));
      net.dispose();`);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ started: 0 });
  });

  it.runIf(existsSync('/proc/self/task'))("fitAsync({ worker: true }) of such a network starts its own worker only (Linux thread count)", () => {
    const run = runNode(`
      import { readdirSync } from 'node:fs';
      import { readFile } from 'node:fs/promises';
      import { MLP } from ${JSON.stringify(entry)};
      const tasks = () => readdirSync('/proc/self/task').length;
      await readFile('/proc/self/stat');
      const net = await MLP.create({ layers: [2, 32, 32, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cross-entropy', threads: 'auto' });
      const before = tasks();
      let most = 0;
      const X = Float32Array.from({ length: 1024 * 2 }, (_, i) => Math.sin(i));
      await net.fitAsync(X, Array.from({ length: 1024 }, (_, i) => i % 2), { epochs: 4, batchSize: 32, worker: true, onEpochEnd: () => { most = Math.max(most, tasks() - before); } });
      console.log(JSON.stringify({ threads: net.threads, started: most }));
      net.dispose();`);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ threads: Math.min(availableParallelism(), 16), started: 1 });
  });
});
