// The lists of choices in the CLI's help, from the registries (src/registry/activations.ts,
// src/registry/optimizers.ts) rather than written out, so a new activation or optimizer shows up by itself.
import { ACTIVATIONS } from '../model/options.js';
import { OPTIMIZER_TYPES, optimizerOptionNames } from '../registry/optimizers.js';

/** Where an option's description starts in the help (`  --activation relu        `). */
const DESCRIPTION_COLUMN = 27;
const WIDTH = 96;

/**
 * `lead` followed by `names` joined with commas ("a, b or c"), then `tail`, wrapped at the help's
 * width with continuation lines indented to the description column.
 */
export function helpList(lead: string, names: readonly string[], tail: string): string {
  // The tail ("(default relu)") stays on one line.
  const words = [...lead.split(' '), ...names.map((n, i) => (i === names.length - 1 ? n : i === names.length - 2 ? `${n} or` : `${n},`)), tail].filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const width = DESCRIPTION_COLUMN + line.length + word.length + 1;
    if (line && width > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(DESCRIPTION_COLUMN)}`);
}

/** The activations a hidden layer may take (softmax is for the output only). */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');
/** The optimizers that take --momentum: those with a momentum option. */
export const MOMENTUM_OPTIMIZERS = OPTIMIZER_TYPES.filter((type) => optimizerOptionNames(type).includes('momentum'));
