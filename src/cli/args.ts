/** A command-line mistake: printed as one line with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** Positional arguments and `--name value` / `--name=value` options; `flags` take no value. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/** Splits argv, rejecting options the command does not know. */
export function parseArgs(argv: readonly string[], known: readonly string[], knownFlags: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (knownFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (known.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      parsed.options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return parsed;
}

// Decimal notation only: Number() alone also reads "0x10" as 16, " 1 " as 1 and "" as 0.
const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i;

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
