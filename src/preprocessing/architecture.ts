// The input stage and class names as parts of a network's architecture: checked with the rest
// of `MLP.create`'s options, and written into and read back from every file format through the
// small functions here, so each format stores them the same way.
import { ShapeError } from '../core/errors.js';
import type { Loss } from '../model/options.js';
import { checkInputStage, columnWidth, type InputStage } from './stage.js';
import { checkClassNames } from './labels.js';

/** What a network holds besides its layers: its input stage and class names, when it has them. */
export interface Preprocessing {
  input?: InputStage;
  classNames?: readonly string[];
}

/**
 * Checks `input` and `classNames` of `MLP.create` (or of a file) against the network: the
 * stage's encoded width must be layers[0]. Returns only the parts given.
 */
export function checkPreprocessing(fn: string, input: unknown, classNames: unknown, layers: readonly number[], loss: Loss): Preprocessing {
  const out: Preprocessing = {};
  if (input !== undefined) {
    const stage = checkInputStage(fn, 'input', input);
    if (stage.width !== layers[0]) {
      const parts = stage.columns.map((c) => `${c.name} ${columnWidth(c)}`).join(', ');
      throw new ShapeError(`${fn}: input encodes each row as ${stage.width} values (${parts}), but layers[0] is ${layers[0]}; use layers [${stage.width}, …] (input.width)`);
    }
    out.input = stage;
  }
  if (classNames !== undefined) out.classNames = checkClassNames(fn, classNames, loss, layers[layers.length - 1]);
  return out;
}

/** The parts of a JSON model or checkpoint header: plain data, present only when the network has them. */
export function preprocessingToJSON(p: Preprocessing): { input?: InputStage; classNames?: string[] } {
  return {
    ...(p.input && { input: structuredClone(p.input) }),
    ...(p.classNames && { classNames: [...p.classNames] }),
  };
}

/** The same parts as safetensors `__metadata__` entries (strings only, as the format allows). */
export function preprocessingMetadata(p: Preprocessing): Record<string, string> {
  return Object.fromEntries(Object.entries(preprocessingToJSON(p)).map(([key, value]) => [key, JSON.stringify(value)]));
}

/** The summary's lines for them: what each raw column becomes, and the class names (none for a network without them). */
export function preprocessingSummary(p: Preprocessing): string[] {
  const lines: string[] = [];
  if (p.input) {
    const columns = p.input.columns.map((c) => (c.type === 'one-hot' || c.type === 'ordinal' ? `${c.name} ${c.type} (${c.categories.length} categories)` : `${c.name} ${c.type}`));
    lines.push(`Input: ${columns.join(', ')} → ${p.input.width} values`);
  }
  if (p.classNames) lines.push(`Classes: ${p.classNames.join(', ')}`);
  return lines;
}

