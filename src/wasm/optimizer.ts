import type { OptimizerConfig, StateName } from '../registry/optimizers.js';
import { optimizerBufferNames, optimizerHostOptions } from '../registry/optimizers.js';
import type { BlockAccess, Blocks } from './blocks.js';

/** State vectors start on cache-line boundaries after the Optimizer block, in one arena block. */
const ALIGN = 64;

/** Where an optimizer's Optimizer block and state vectors sit, relative to its arena block. */
export interface OptimizerBlockLayout {
  bytes: number;
  /** Byte offset of each state vector from the block start. */
  stateOffsets: Partial<Record<StateName, number>>;
}

export function optimizerBlockLayout(blocks: Blocks, config: OptimizerConfig, count: number, floatBytes: number): OptimizerBlockLayout {
  const head = Math.ceil(blocks.Optimizer.size / ALIGN) * ALIGN;
  const vectorBytes = Math.ceil((count * floatBytes) / ALIGN) * ALIGN;
  const names = optimizerBufferNames(config);
  const stateOffsets: Partial<Record<StateName, number>> = {};
  names.forEach((name, i) => { stateOffsets[name] = head + i * vectorBytes; });
  return { bytes: head + names.length * vectorBytes, stateOffsets };
}

/**
 * Describes `config` to the kernels: every option is written under its own name to the field of
 * the Optimizer block that has it (booleans as 0/1, clipping that is off as 0), every state vector
 * under its name, and the step count. An option the block lacks throws: a kernel would otherwise
 * run with 0 in its place. Only the type, the learning rate (an argument of every call) and the
 * options the record says the host consumes are not written.
 */
export function writeOptimizer(block: BlockAccess<'Optimizer'>, blocks: Blocks, config: OptimizerConfig, layout: OptimizerBlockLayout, step: number): void {
  block.clear();
  block.set('kind', blocks.optimizerCode(config.type));
  const hostOnly = optimizerHostOptions(config);
  for (const [key, value] of Object.entries(config)) {
    if (key === 'type' || key === 'learningRate' || hostOnly.includes(key)) continue;
    if (!(key in blocks.Optimizer.offset)) throw new Error(`internal: the kernels' Optimizer block (assembly/blocks.ts) has no field '${key}' for the '${config.type}' option of that name`);
    block.set(key as 'momentum', typeof value === 'boolean' ? Number(value) : (value ?? 0));
  }
  for (const [name, offset] of Object.entries(layout.stateOffsets)) block.set(name as StateName, block.address + offset);
  block.set('step', step);
}
