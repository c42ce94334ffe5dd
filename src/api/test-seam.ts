// The test seam: how the project's own tests reach the engine behind a network (and a wasm
// engine's threading facts and shared memory) without casting into private fields. Internal:
// neither package entry exports it and nothing in the library calls it, so shipped behaviour
// does not depend on it (docs/internals/extending.md, "Tests: tiers, support and the test seam").
// The MLP class hands it its reader once, from its static block (src/api/mlp.ts).
import type { Engine } from '../engine/engine.js';
import type { Threading } from '../wasm/shared-engine.js';
import { BlockAccess } from '../wasm/blocks.js';
import { CONSTANTS } from '../kernels/kernel-interface.js';

export type { Threading } from '../wasm/shared-engine.js';

let readEngine: ((net: never) => Engine | null) | null = null;

/** Called once, by the MLP class, which alone may read its private engine. */
export function provideEngineReader(reader: (net: never) => Engine | null): void {
  readEngine ??= reader;
}

/** The engine behind a network (an `MLP`), for tests of the engine-level API; throws once it is disposed. */
export function engineOf(net: object): Engine {
  const engine = readEngine?.(net as never) ?? null;
  if (engine === null) throw new Error('test seam: this network has no engine (disposed, or not an MLP)');
  return engine;
}

/** The threading facts of a wasm network's engine (src/wasm/shared-engine.ts). */
export function threadingOf(net: object): Threading {
  const threading = (engineOf(net) as Engine & { threading?: Threading }).threading;
  if (!threading) throw new Error("test seam: this network's engine has no threading facts (the js backend)");
  return threading;
}

/**
 * Writes a threaded network's balance table (assembly/balance.ts) as a rebalance does: thread t's
 * share of every phase then starts at `cuts[t]` of the phase's items (`cuts[threads]` is 1), and
 * the measured busy times start again from 0. Results must not depend on the cuts. A cut far
 * outside [0, 1] gives its thread a share that starts outside memory: a real trap in that thread.
 */
export function setShareCuts(net: object, cuts: readonly number[]): void {
  const { threads, control } = threadingOf(net);
  if (control === null || cuts.length !== threads + 1) throw new Error(`test seam: ${threads} thread(s) take ${threads + 1} cuts, got ${cuts.length}${control ? '' : ' (and one thread has no balance table)'}`);
  const { memory, address, blocks } = control;
  const table = new Float64Array(memory.buffer, address + blocks.Control.size + blocks.balanceOffset, 2 * CONSTANTS.MAX_THREADS + 1);
  table.set(cuts);
  table.fill(0, CONSTANTS.MAX_THREADS + 1, CONSTANTS.MAX_THREADS + 1 + threads);
  new BlockAccess(memory, blocks.Control, address).set('balancedThreads', threads);
}
