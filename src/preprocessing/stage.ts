// The input stage: what a network does to a raw row before its first layer, column by column,
// as scikit-learn's StandardScaler, MinMaxScaler, OneHotEncoder and OrdinalEncoder (or Keras's
// Normalization and StringLookup layers) do. Its fitted form is plain data, the same in every
// file format; this module defines it and checks it.
import { ShapeError, ValueError, describe } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';

/** How a column is prepared. Numeric: 'standardize', 'min-max', 'passthrough'; categorical: 'one-hot', 'ordinal'. */
export type ColumnType = 'standardize' | 'min-max' | 'passthrough' | 'one-hot' | 'ordinal';
/** What a one-hot column does with a category it was not fitted on: throw, or encode it as all zeros. */
export type HandleUnknown = 'error' | 'ignore';

/**
 * One column of a fitted input stage. Statistics are float64, as scikit-learn computes them:
 * - `standardize`: (x − mean) / std, std the population standard deviation (ddof = 0), as
 *   StandardScaler; a constant column (std 0) is divided by 1.
 * - `min-max`: (x − min) / (max − min), as MinMaxScaler with feature_range (0, 1); a constant
 *   column (max = min) is divided by 1.
 * - `passthrough`: x as it is.
 * - `one-hot`: one 0/1 value per category, as OneHotEncoder; an unknown category is an error,
 *   or all zeros with `handleUnknown: 'ignore'`.
 * - `ordinal`: the category's index in `categories`, as OrdinalEncoder; an unknown one is an error.
 * Categorical cells are compared as text: 3 and '3' are the same category.
 */
export type InputColumn =
  | { readonly name: string; readonly type: 'standardize'; readonly mean: number; readonly std: number }
  | { readonly name: string; readonly type: 'min-max'; readonly min: number; readonly max: number }
  | { readonly name: string; readonly type: 'passthrough' }
  | { readonly name: string; readonly type: 'one-hot'; readonly categories: readonly string[]; readonly handleUnknown: HandleUnknown }
  | { readonly name: string; readonly type: 'ordinal'; readonly categories: readonly string[] };

/** A fitted input stage (`adaptInput`'s result, `net.input`): one entry per raw column, in row order. */
export interface InputStage {
  readonly columns: readonly InputColumn[];
  /** Values per encoded row: the network's input size (`layers[0]`). */
  readonly width: number;
}

/** The fitted form of a column of type `T` (`FittedColumn<'standardize'>` has `mean` and `std`). */
export type FittedColumn<T extends ColumnType = ColumnType> = Extract<InputColumn, { readonly type: T }>;

/**
 * The stage `adaptInput` fits for the spec columns `C`: with the columns written out, each entry
 * has its type's fields (`stage.columns[0].mean` for a 'standardize' first column); from a
 * `ColumnSpec[]` variable, plain `InputColumn`s.
 */
export type AdaptedStage<C extends readonly ColumnSpec[]> = Omit<InputStage, 'columns'> & {
  readonly columns: { readonly [K in keyof C]: C[K] extends { readonly type: infer T extends ColumnType } ? FittedColumn<T> : InputColumn };
};

/** One column of `adaptInput`'s spec: the statistics or categories left out are fitted from the rows. */
export interface ColumnSpec {
  /** The column's name: how errors name it, and its key when rows are objects. */
  name: string;
  type: ColumnType;
  /** 'standardize': the mean and population std (both, or neither). */
  mean?: number;
  std?: number;
  /** 'min-max': the range (both, or neither). */
  min?: number;
  max?: number;
  /** 'one-hot' and 'ordinal': the categories, in encoding order. Default: the distinct cells, sorted. */
  categories?: readonly (string | number)[];
  /** 'one-hot' only. Default 'error'. */
  handleUnknown?: HandleUnknown;
}

/** `adaptInput`'s spec, or `MLP.create`'s `input` once every statistic is given. */
export interface InputSpec {
  columns: readonly ColumnSpec[];
}

export const COLUMN_TYPES: readonly ColumnType[] = ['standardize', 'min-max', 'passthrough', 'one-hot', 'ordinal'];
const HANDLE_UNKNOWN: readonly HandleUnknown[] = ['error', 'ignore'];
/** The keys each column type takes besides name and type. */
const COLUMN_KEYS: Record<ColumnType, readonly string[]> = {
  standardize: ['mean', 'std'], 'min-max': ['min', 'max'], passthrough: [], 'one-hot': ['categories', 'handleUnknown'], ordinal: ['categories'],
};
const STATISTICS = { standardize: ['mean', 'std'], 'min-max': ['min', 'max'] } as const;

/** True for the categorical column types. */
export function isCategorical(type: ColumnType): type is 'one-hot' | 'ordinal' {
  return type === 'one-hot' || type === 'ordinal';
}

/** Encoded values of one column: a one-hot column's category count, else 1. */
export function columnWidth(column: InputColumn): number {
  return column.type === 'one-hot' ? column.categories.length : 1;
}

/** The divisor of a numeric column: std or max − min, and 1 for a constant column (as scikit-learn's _handle_zeros_in_scale). */
export function columnScale(column: InputColumn): number {
  const spread = column.type === 'standardize' ? column.std : column.type === 'min-max' ? column.max - column.min : 1;
  return spread === 0 ? 1 : spread;
}

/** What a numeric column subtracts: mean, min, or 0. */
export function columnOffset(column: InputColumn): number {
  return column.type === 'standardize' ? column.mean : column.type === 'min-max' ? column.min : 0;
}

/**
 * Checks a spec (`complete`: every statistic and category given, as `MLP.create` and the file
 * readers need) and returns its checked columns, copied. `name` is the argument's name in errors.
 */
export function checkColumnSpecs(fn: string, name: string, value: unknown, complete: boolean): ColumnSpec[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${fn}: ${name} must be an object { columns: [{ name, type }, …] }, got ${describe(value)}`);
  }
  checkKnownKeys(fn, name, value, ['columns', 'width']);
  const columns = (value as { columns?: unknown }).columns;
  if (!Array.isArray(columns) || columns.length === 0) throw new ShapeError(`${fn}: ${name}.columns must be a non-empty array, one { name, type } per raw column, got ${describe(columns)}`);
  const names = new Set<string>();
  return columns.map((column, i) => {
    const where = `${name}.columns[${i}]`;
    const c = checkColumn(fn, where, column, complete);
    if (names.has(c.name)) throw new ValueError(`${fn}: ${where}.name ${describe(c.name)} names a column that an earlier entry names too`);
    names.add(c.name);
    return c;
  });
}

/** A complete spec as the fitted stage (`MLP.create`'s `input`, or a file's); its `width`, if given, must match. */
export function checkInputStage(fn: string, name: string, value: unknown): InputStage {
  const columns = checkColumnSpecs(fn, name, value, true).map(fitted);
  const width = columns.reduce((sum, c) => sum + columnWidth(c), 0);
  const given = (value as { width?: unknown }).width;
  if (given !== undefined && given !== width) throw new ShapeError(`${fn}: ${name}.width is ${describe(given)}, but its columns encode ${width} values`);
  return { columns, width };
}

function checkColumn(fn: string, where: string, value: unknown, complete: boolean): ColumnSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValueError(`${fn}: ${where} must be an object { name, type }, got ${describe(value)}`);
  const c = value as Partial<ColumnSpec>;
  if (typeof c.name !== 'string' || c.name === '') throw new ValueError(`${fn}: ${where}.name must be a non-empty string, got ${describe(c.name)}`);
  if (typeof c.type !== 'string' || !COLUMN_TYPES.includes(c.type)) {
    const hint = typeof c.type === 'string' ? didYouMean(c.type, COLUMN_TYPES, true) : '';
    throw new ValueError(`${fn}: ${where}.type (column "${c.name}") must be one of ${COLUMN_TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(c.type)}${hint ? `; ${hint}` : ''}`);
  }
  const type = c.type;
  const column = `${where} (column "${c.name}", ${type})`;
  checkKnownKeys(fn, column, value, ['name', 'type', ...COLUMN_KEYS[type]]);
  const out: ColumnSpec = { name: c.name, type };
  if (type === 'standardize' || type === 'min-max') {
    const [a, b] = STATISTICS[type];
    const given = [c[a], c[b]].filter((v) => v !== undefined).length;
    if (given === 1 || (complete && given === 0)) {
      throw new ValueError(`${fn}: ${column} needs both ${a} and ${b}${complete ? '; fit them from data with adaptInput(rows, spec)' : ' or neither (then adaptInput fits them)'}`);
    }
    if (given === 2) {
      out[a] = finite(fn, `${column}.${a}`, c[a]);
      out[b] = finite(fn, `${column}.${b}`, c[b]);
      if (type === 'standardize' && out.std! < 0) throw new ValueError(`${fn}: ${column}.std must be ≥ 0 (a standard deviation), got ${out.std}`);
      if (type === 'min-max' && out.max! < out.min!) throw new ValueError(`${fn}: ${column}.max (${out.max}) must be ≥ its min (${out.min})`);
    }
  }
  if (isCategorical(type)) {
    if (c.categories !== undefined) out.categories = checkCategories(fn, `${column}.categories`, c.categories);
    else if (complete) throw new ValueError(`${fn}: ${column} needs categories; fit them from data with adaptInput(rows, spec)`);
  }
  if (c.handleUnknown !== undefined) {
    if (!HANDLE_UNKNOWN.includes(c.handleUnknown)) throw new ValueError(`${fn}: ${column}.handleUnknown must be 'error' or 'ignore', got ${describe(c.handleUnknown)}`);
    out.handleUnknown = c.handleUnknown;
  }
  return out;
}

/** A non-empty list of distinct categories (strings, or finite numbers read as text). */
function checkCategories(fn: string, name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new ValueError(`${fn}: ${name} must be a non-empty array of strings, got ${describe(value)}`);
  const seen = new Set<string>();
  return value.map((v, k) => {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw new ValueError(`${fn}: ${name}[${k}] must be a string (or a finite number), got ${describe(v)}`);
    const text = String(v);
    if (seen.has(text)) throw new ValueError(`${fn}: ${name}[${k}] ${describe(text)} appears twice`);
    seen.add(text);
    return text;
  });
}

/** A complete, checked column spec in its fitted form, with exactly its type's fields. */
export function fitted(c: ColumnSpec): InputColumn {
  switch (c.type) {
    case 'standardize': return { name: c.name, type: c.type, mean: c.mean!, std: c.std! };
    case 'min-max': return { name: c.name, type: c.type, min: c.min!, max: c.max! };
    case 'passthrough': return { name: c.name, type: c.type };
    case 'one-hot': return { name: c.name, type: c.type, categories: c.categories!.map(String), handleUnknown: c.handleUnknown ?? 'error' };
    case 'ordinal': return { name: c.name, type: c.type, categories: c.categories!.map(String) };
  }
}

function finite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${fn}: ${name} must be a finite number, got ${describe(v)}`);
  return v;
}

/** Throws for a key of `value` outside `keys`, with the nearest valid one. */
function checkKnownKeys(fn: string, name: string, value: object, keys: readonly string[]): void {
  const unknown = Object.keys(value).find((k) => !keys.includes(k));
  if (unknown === undefined) return;
  const hint = didYouMean(unknown, keys);
  throw new ValueError(`${fn}: ${name}.${unknown} is not a field here${hint ? `; ${hint}` : ''} (its fields: ${keys.join(', ')})`);
}
