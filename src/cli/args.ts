import { parseArgs as nodeParseArgs } from 'node:util';
import { nearestNames } from '../core/suggest.js';

/** A command-line mistake: printed as one line with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** Positional arguments and `--name value` / `--name=value` options; `flags` take no value. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/**
 * Splits argv with Node's `util.parseArgs`, rejecting options the command does not know with
 * the nearest one it does ("did you mean --epochs?").
 */
export function parseArgs(argv: readonly string[], known: readonly string[], knownFlags: readonly string[]): ParsedArgs {
  const options = Object.fromEntries([
    ...known.map((name) => [name, { type: 'string' as const }]),
    ...knownFlags.map((name) => [name, { type: 'boolean' as const }]),
  ]);
  // strict: false, so this function words every mistake itself; tokens say what each argument was.
  const { tokens } = nodeParseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const parsed: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (const token of tokens) {
    if (token.kind === 'positional') parsed.positional.push(token.value);
    if (token.kind !== 'option') continue;
    const name = token.name;
    if (knownFlags.includes(name)) {
      if (token.inlineValue) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (known.includes(name)) {
      if (token.value === undefined) throw new UsageError(`--${name} needs a value${valueHint(argv, token.index, name)}`);
      parsed.options.set(name, token.value);
    } else {
      const near = nearestNames(name, [...known, ...knownFlags]);
      throw new UsageError(`unknown option ${token.rawName}${near.length ? `; did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''}`);
    }
  }
  return parsed;
}

// Decimal notation only: Number() alone also reads "0x10" as 16, " 1 " as 1 and "" as 0.
const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i;

/** For `--momentum -1`: parseArgs reads -1 as an option, so say how to write it. */
function valueHint(argv: readonly string[], index: number, name: string): string {
  const next = argv[index + 1];
  return next !== undefined && next.startsWith('-') && next !== '--' ? ` (for a value starting with "-", write --${name}=${next})` : '';
}

/** An option as an integer ≥ min, or the fallback when absent. */
export function intOption(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return v;
}

/** An option as a number in [min, max) (or (min, max) when exclusive), or the fallback. */
export function numberOption(args: ParsedArgs, name: string, fallback: number, min: number, max = Infinity, exclusive = false): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(v) || (exclusive ? v <= min : v < min) || v >= max) {
    const range = max === Infinity ? `${exclusive ? '>' : '≥'} ${min}` : `in ${exclusive ? '(' : '['}${min}, ${max})`;
    throw new UsageError(`--${name} must be a number ${range}, got "${raw}"`);
  }
  return v;
}

/** An option that must be one of the choices. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, fallback: T, choices: readonly T[]): T {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
}
