// Raw rows, as a network with an input stage takes them: an array of rows (each an array of
// cells in column order, or an object keyed by column name), or a flat Float32Array/Float64Array
// of rows × columns when every cell is a number. Cells are numbers, or text for categorical columns.
import { ShapeError, ValueError, describe } from '../core/errors.js';
import { plural } from '../model/data.js';

/** A raw row: cells in column order, or an object keyed by column name. */
export type RawRow = readonly (string | number)[] | Readonly<Record<string, string | number>>;
/** Raw rows for a network with an input stage (or for `adaptInput`). */
export type RawRows = readonly RawRow[] | Float32Array | Float64Array;

/** Rows checked for form and width, and a way to read cell (i, j). */
export interface RawTable {
  rows: number;
  cell(i: number, j: number): unknown;
  /** "X row 3, column "city"" for error messages. */
  where(i: number, j: number): string;
}

/** Checks the form of raw rows against the columns (by count, or by name for object rows). */
export function readRawRows(fn: string, name: string, columns: readonly { name: string }[], X: unknown): RawTable {
  const width = columns.length;
  const where = (i: number, j: number) => `${name} row ${i}, column "${columns[j].name}"`;
  if (X instanceof Float32Array || X instanceof Float64Array) {
    if (X.length === 0 || X.length % width !== 0) throw new ShapeError(`${fn}: ${name} has ${plural(X.length, 'value')}, expected a whole, non-zero number of rows of ${width} raw columns (${names(columns)})`);
    return { rows: X.length / width, cell: (i, j) => X[i * width + j], where };
  }
  if (!Array.isArray(X) || X.length === 0) {
    throw new ValueError(`${fn}: ${name} must be a non-empty array of rows (each an array of ${width} cells: ${names(columns)}, or an object keyed by those names), got ${describe(X)}`);
  }
  const rows = X as unknown[];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (Array.isArray(row) || row instanceof Float32Array || row instanceof Float64Array) {
      if (row.length !== width) throw new ShapeError(`${fn}: ${name} row ${i} has ${plural(row.length, 'cell')}, expected ${width} (the raw columns ${names(columns)})`);
      continue;
    }
    if (typeof row !== 'object' || row === null) throw new ValueError(`${fn}: ${name} row ${i} must be an array of ${width} cells or an object keyed by column name, got ${describe(row)}`);
    const missing = columns.find((c) => !Object.hasOwn(row, c.name));
    if (missing) throw new ShapeError(`${fn}: ${name} row ${i} has no key "${missing.name}" (a row object needs every column: ${names(columns)})`);
  }
  const keys = columns.map((c) => c.name);
  return {
    rows: rows.length,
    cell: (i, j) => {
      const row = rows[i] as ArrayLike<unknown> | Record<string, unknown>;
      return Array.isArray(row) || ArrayBuffer.isView(row) ? (row as ArrayLike<unknown>)[j] : (row as Record<string, unknown>)[keys[j]];
    },
    where,
  };
}

/** One raw sample rather than rows: an array of plain cells, or a single row object. */
export function isRawSample(X: unknown): boolean {
  if (Array.isArray(X)) return X.length > 0 && X.every((v) => typeof v !== 'object' || v === null);
  return typeof X === 'object' && X !== null && !ArrayBuffer.isView(X);
}

/** A numeric cell: a finite number, else an error that says what a text cell needs. */
export function numberCell(fn: string, table: RawTable, i: number, j: number): number {
  const v = table.cell(i, j);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const numeric = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v));
  const text = numeric ? ' (text: pass numbers as numbers)' : typeof v === 'string' ? `; a text column needs type 'one-hot' or 'ordinal' in the input stage` : '';
  throw new ValueError(`${fn}: ${table.where(i, j)} must be a finite number, got ${describe(v)}${text}`);
}

/** A categorical cell as text: a string, or a finite number read as its text. */
export function categoryCell(fn: string, table: RawTable, i: number, j: number): string {
  const v = table.cell(i, j);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ValueError(`${fn}: ${table.where(i, j)} must be a category (a string, or a finite number), got ${describe(v)}`);
}

function names(columns: readonly { name: string }[]): string {
  const list = columns.slice(0, 6).map((c) => c.name).join(', ');
  return columns.length > 6 ? `${list}, …` : list;
}
