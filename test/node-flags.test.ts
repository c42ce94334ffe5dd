// Node started with V8 flags (`node --max-old-space-size=4096 app.mjs`, --expose-gc,
// --stack-size=…): a worker_threads Worker refuses them in execArgv, so the workers of a
// threaded network and fitAsync's training worker are started with the flags they accept
// (heap sizes as resourceLimits). Each case runs the compiled package (dist/) in a child process
// started with those flags, as a user's program would be.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { WorkerPool, type NodeWorker } from '../src/threads/pool.js';

const entry = new URL('../dist/index.js', import.meta.url).href;

/** Runs `source` (an ES module) in `node <flags>`; returns what it printed as JSON. */
function runWithFlags(flags: string[], source: string): Record<string, unknown> {
  const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', source], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim()) as Record<string, unknown>;
}

/** A network big enough that a batch of 64 rows is worth two threads (136,714 parameters). */
const program = (threads: string) => `
  import { MLP } from ${JSON.stringify(entry)};
  const net = await MLP.create({ layers: [256, 512, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', threads: ${threads}, seed: 1 });
  const X = Float32Array.from({ length: 64 * 256 }, (_, i) => Math.sin(i));
  const Y = Int32Array.from({ length: 64 }, (_, i) => i % 10);
  const started = performance.now();
  net.step(X, Y, { learningRate: 0.01 });
  const stepMs = performance.now() - started;
  const threading = net.engine.threading;
  const facts = { threads: net.threads, reason: net.threadsFallbackReason, parallel: threading.parallelCalls > 0, stepMs };
  let worker;
  try {
    const history = await net.fitAsync(X, Y, { epochs: 1, batchSize: 32, worker: true });
    worker = history.epochs;
  } catch (error) {
    worker = error.name + ': ' + error.message;
  }
  net.dispose();
  console.log(JSON.stringify({ ...facts, worker }));
`;

const flagSets = [
  ['--max-old-space-size=4096'],
  ['--expose-gc', '--stack-size=2000'],
  ['--max_semi_space_size=16'],
  // Not in the list of flags known to be refused: Node's error names it, and it is dropped.
  ['--no-opt'],
];

describe('V8 flags on the command line', () => {
  it.each(flagSets)('node %s: two threads start, and fitAsync({ worker: true }) trains', (...flags) => {
    const run = runWithFlags(flags, program('2'));
    expect(run).toMatchObject({ threads: 2, reason: null, parallel: true, worker: 1 });
  });

  it.runIf(availableParallelism() > 1).each(flagSets)("node %s, threads: 'auto': the first big call runs on the threads at once", (...flags) => {
    const run = runWithFlags(flags, program("'auto'"));
    expect(run).toMatchObject({ reason: null, parallel: true, worker: 1 });
    expect(run.threads).toBeGreaterThan(1);
    // Not the 10 s start-up timeout of a worker that never starts.
    expect(run.stepMs).toBeLessThan(5000);
  });
});

describe('a worker Node refuses to create', () => {
  it('throws at launch, at once, so that no caller waits for workers that cannot start', () => {
    const refusing = class {
      constructor() {
        throw Object.assign(new TypeError('Initiated Worker with invalid execArgv flags: --made-up'), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
      }
    } as unknown as NodeWorker;
    const started = new Int32Array(new SharedArrayBuffer(8));
    const init = { module: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), memory: new WebAssembly.Memory({ initial: 1 }), ctrl: 0, started };
    expect(() => WorkerPool.launch(2, init, refusing)).toThrow(/invalid execArgv flags: --made-up/);
  });
});
