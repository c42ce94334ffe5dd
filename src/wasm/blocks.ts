import type { Activation, Loss, Normalization } from '../model/options.js';
import type { OptimizerType } from '../registry/optimizers.js';

import { FIELDS } from '../kernels/kernel-interface.js';

// The blocks the kernels read (assembly/blocks.ts) are defined there only: their fields and
// kinds reach this side through the generated src/kernels/kernel-interface.ts, and their offsets
// and sizes come from the module's exports, named Block_field, when a module is loaded. A name
// the module does not export fails at load, never as silent memory corruption.

type BlockName = keyof typeof FIELDS;
type FieldOf<B extends BlockName> = keyof (typeof FIELDS)[B] & string;
type Kind = 'i32' | 'pointer' | 'f64';

/** One block's layout: byte offset and kind of each field, and its size. */
export interface BlockLayout<B extends BlockName> {
  readonly size: number;
  readonly offset: Readonly<Record<FieldOf<B>, number>>;
  readonly kind: Readonly<Record<FieldOf<B>, Kind>>;
}

/** Every layout and code a module exports. */
export interface Blocks {
  readonly Network: BlockLayout<'Network'>;
  readonly Layer: BlockLayout<'Layer'>;
  readonly Optimizer: BlockLayout<'Optimizer'>;
  readonly Control: BlockLayout<'Control'>;
  /** Layer l's block is at network + layersOffset + l × layerStride. */
  readonly layersOffset: number;
  readonly layerStride: number;
  /** A failed worker's message follows the Control block, at most this many bytes. */
  readonly errorCapacity: number;
  /** Bytes after the Control block that belong to the threads: the message, then the balance table. */
  readonly controlTail: number;
  /** The balance table (assembly/balance.ts: each thread's share cut, then its busy time, f64) starts this many bytes after the Control block. */
  readonly balanceOffset: number;
  activationCode(activation: Activation): number;
  /** A layer's normalization code; 0 for none. */
  normalizationCode(normalization: Normalization | null): number;
  lossCode(loss: Loss): number;
  optimizerCode(type: OptimizerType): number;
}

type Exports = Record<string, unknown>;

function global(exports: Exports, name: string): number {
  const value = exports[name];
  if (!(value instanceof WebAssembly.Global)) throw new Error(`internal: the kernel module does not export ${name}`);
  return value.value as number;
}

function blockLayout<B extends BlockName>(exports: Exports, block: B): BlockLayout<B> {
  const offset: Record<string, number> = {};
  const kind: Record<string, Kind> = {};
  for (const [field, k] of Object.entries(FIELDS[block]) as [string, Kind][]) {
    offset[field] = global(exports, `${block}_${field}`);
    kind[field] = k;
  }
  return { size: global(exports, `${block}_size`), offset, kind } as BlockLayout<B>;
}

const cache = new WeakMap<WebAssembly.Module, Blocks>();

/**
 * The layouts and codes of a kernel module, read from one instance's exports once per module:
 * every instance of a module shares them, and reading a global allocates its wrapper.
 */
export function readBlocks(module: WebAssembly.Module, exports: Exports): Blocks {
  let blocks = cache.get(module);
  if (blocks) return blocks;
  const code = (prefix: string) => (name: string) => global(exports, `${prefix}_${name.replaceAll('-', '_')}`);
  blocks = {
    Network: blockLayout(exports, 'Network'),
    Layer: blockLayout(exports, 'Layer'),
    Optimizer: blockLayout(exports, 'Optimizer'),
    Control: blockLayout(exports, 'Control'),
    layersOffset: global(exports, 'Network_layers'),
    layerStride: global(exports, 'Layer_stride'),
    errorCapacity: global(exports, 'Control_errorCapacity'),
    controlTail: global(exports, 'Control_tailBytes'),
    balanceOffset: global(exports, 'Control_balanceOffset'),
    activationCode: code('activation'),
    normalizationCode: (name) => (name === null ? 0 : code('normalization')(name)),
    lossCode: code('loss'),
    optimizerCode: code('optimizer'),
  };
  cache.set(module, blocks);
  return blocks;
}

/**
 * Reads and writes one block's fields in a memory. The view is re-made when memory.grow has
 * replaced the buffer (a DataView over the old one reads nothing).
 */
export class BlockAccess<B extends BlockName> {
  private view: DataView;

  constructor(private readonly memory: WebAssembly.Memory, private readonly layout: BlockLayout<B>, readonly address: number) {
    this.view = new DataView(memory.buffer);
  }

  private data(): DataView {
    // A grown memory detaches its old buffer (length 0); a shared one keeps it, and every block
    // lies within the length it had when the block was made.
    if (this.view.buffer.byteLength === 0) this.view = new DataView(this.memory.buffer);
    return this.view;
  }

  get(field: FieldOf<B>): number {
    const at = this.address + this.layout.offset[field];
    const kind = this.layout.kind[field];
    if (kind === 'f64') return this.data().getFloat64(at, true);
    return kind === 'pointer' ? this.data().getUint32(at, true) : this.data().getInt32(at, true);
  }

  set(field: FieldOf<B>, value: number): void {
    const at = this.address + this.layout.offset[field];
    const kind = this.layout.kind[field];
    if (kind === 'f64') this.data().setFloat64(at, value, true);
    else if (kind === 'pointer') this.data().setUint32(at, value, true);
    else this.data().setInt32(at, value, true);
  }

  /** Zeroes the whole block. */
  clear(): void {
    new Uint8Array(this.memory.buffer, this.address, this.layout.size).fill(0);
  }
}
