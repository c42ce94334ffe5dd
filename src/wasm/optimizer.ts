import type { OptimizerConfig } from '../optimizers.js';
import { OPTIMIZER_TYPES, optimizerBuffers } from '../optimizers.js';

// The optimizer descriptor of assembly/optimizers/state.ts: 8 i32 (type, flags, three buffer
// pointers, reserved) then f64 fields from byte 32. Its state vectors follow it in the same
// arena block, each on a cache-line boundary.
const DESCRIPTOR_BYTES = 128;
const ALIGN = 64;
const enum F64 { Step = 4, Momentum, Dampening, Beta1, Beta2, Alpha, Epsilon, WeightDecay, LearningRateDecay, ClipNorm, ClipValue }
const NESTEROV = 1, AMSGRAD = 2, CENTERED = 4;

/** Where an optimizer's descriptor and state vectors sit, relative to its block. */
export interface OptimizerBlockLayout {
  bytes: number;
  /** Byte offset of each slot's vector from the block start; −1 where the config has none. */
  slotOffsets: number[];
}

export function optimizerBlockLayout(config: OptimizerConfig, count: number, floatBytes: number): OptimizerBlockLayout {
  const vectorBytes = Math.ceil((count * floatBytes) / ALIGN) * ALIGN;
  const slotOffsets = [-1, -1, -1];
  optimizerBuffers(config).forEach(({ slot }, i) => { slotOffsets[slot] = DESCRIPTOR_BYTES + i * vectorBytes; });
  return { bytes: DESCRIPTOR_BYTES + optimizerBuffers(config).length * vectorBytes, slotOffsets };
}

/** Writes the descriptor at `block` (step count included). */
export function writeOptimizerDescriptor(buffer: ArrayBuffer, block: number, config: OptimizerConfig, layout: OptimizerBlockLayout, step: number): void {
  const words = new Int32Array(buffer, block, 8);
  const fields = new Float64Array(buffer, block, DESCRIPTOR_BYTES / 8);
  words.fill(0);
  fields.fill(0, F64.Step);
  words[0] = OPTIMIZER_TYPES.indexOf(config.type);
  layout.slotOffsets.forEach((offset, slot) => { words[2 + slot] = offset < 0 ? 0 : block + offset; });
  fields[F64.Step] = step;
  fields[F64.ClipNorm] = config.clipNorm ?? 0;
  fields[F64.ClipValue] = config.clipValue ?? 0;
  fields[F64.WeightDecay] = config.weightDecay;
  fields[F64.LearningRateDecay] = 0;
  switch (config.type) {
    case 'sgd':
      words[1] = config.nesterov ? NESTEROV : 0;
      fields[F64.Momentum] = config.momentum;
      fields[F64.Dampening] = config.dampening;
      break;
    case 'adam':
    case 'adamw':
      words[1] = config.amsgrad ? AMSGRAD : 0;
      fields[F64.Beta1] = config.beta1;
      fields[F64.Beta2] = config.beta2;
      fields[F64.Epsilon] = config.epsilon;
      break;
    case 'rmsprop':
      words[1] = config.centered ? CENTERED : 0;
      fields[F64.Alpha] = config.alpha;
      fields[F64.Momentum] = config.momentum;
      fields[F64.Epsilon] = config.epsilon;
      break;
    case 'adagrad':
      fields[F64.Epsilon] = config.epsilon;
      fields[F64.LearningRateDecay] = config.learningRateDecay;
      break;
  }
}

/** The step count the kernels keep in the descriptor. */
export function readOptimizerStep(buffer: ArrayBuffer, block: number): number {
  return new Float64Array(buffer, block, DESCRIPTOR_BYTES / 8)[F64.Step];
}
