// The test seam: how the project's own tests reach the engine behind a network (and a wasm
// engine's threading facts) without casting into private fields. Internal: neither package entry
// exports it and nothing in the library calls it, so shipped behaviour does not depend on it.
// The MLP class hands it its reader once, from its static block (src/api/mlp.ts).
import type { Engine } from '../engine/engine.js';
import type { Threading } from '../wasm/shared-engine.js';

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

/** The threading facts and test hooks of a wasm network's engine (src/wasm/shared-engine.ts). */
export function threadingOf(net: object): Threading {
  const threading = (engineOf(net) as Engine & { threading?: Threading }).threading;
  if (!threading) throw new Error("test seam: this network's engine has no threading facts (the js backend)");
  return threading;
}
