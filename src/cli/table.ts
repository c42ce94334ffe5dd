import { FormatError } from '../core/errors.js';
import type { CsvTable } from './csv.js';
import { cellError, csvNumber, storable } from './csv-number.js';

/** What a model learns: a class among names (softmax + cross-entropy) or a number (MSE). */
export type Task = 'classification' | 'regression';

/** Per-column mean and standard deviation, applied as (x − mean) / std. */
export interface Scaling {
  mean: number[];
  std: number[];
}

/** Feature columns of a table as a flat float32 matrix, every cell checked to be a number. */
export function featureMatrix(table: CsvTable, features: readonly string[]): Float32Array {
  const indices = features.map((name) => columnIndex(table, name, 'feature'));
  const X = new Float32Array(table.rows.length * features.length);
  table.rows.forEach((row, i) => {
    indices.forEach((c, j) => { X[i * features.length + j] = numberCell(table, i, c); });
  });
  return X;
}

/** The target column as numbers (regression) or as indices into `classes` (classification). */
export function targetColumn(table: CsvTable, target: string, task: Task, classes: readonly string[] | null): Float32Array | Int32Array {
  const c = columnIndex(table, target, 'target');
  if (task === 'regression') return Float32Array.from(table.rows, (_, i) => numberCell(table, i, c));
  return Int32Array.from(table.rows, (row, i) => {
    const label = row[c].trim();
    const index = classes!.indexOf(label);
    if (index < 0) {
      const why = label === '' ? 'is empty' : `"${label}" is not one of the model's classes (${classes!.join(', ')})`;
      throw new FormatError(`${table.file} line ${table.lines[i]}, column "${target}": the class ${why}`);
    }
    return index;
  });
}

/** Classification when any target cell is not a number (unless told), with the class names sorted. */
export function inferTask(table: CsvTable, target: string, task: Task | 'auto'): { task: Task; classes: string[] | null } {
  const c = columnIndex(table, target, 'target');
  const cells = table.rows.map((row) => row[c].trim());
  const resolved = task !== 'auto' ? task : cells.every((v) => Number.isFinite(csvNumber(v))) ? 'regression' : 'classification';
  if (resolved === 'regression') return { task: resolved, classes: null };
  const classes = [...new Set(cells.filter((v) => v !== ''))].sort(compareLabels);
  if (classes.length < 2) throw new FormatError(`${table.file}, column "${target}": classification needs at least 2 classes, found ${classes.length}`);
  return { task: resolved, classes };
}

/** Mean and (population) standard deviation of each column; constant columns get std 1. */
export function fitScaling(X: Float32Array, width: number): Scaling {
  const rows = X.length / width;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) mean[j] += X[i * width + j] / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) std[j] += (X[i * width + j] - mean[j]) ** 2 / rows;
  return { mean, std: std.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** (x − mean) / std, column by column, in place. */
export function applyScaling(X: Float32Array, s: Scaling): Float32Array {
  const width = s.mean.length;
  for (let i = 0; i < X.length; i++) X[i] = (X[i] - s.mean[i % width]) / s.std[i % width];
  return X;
}

/** x · std + mean, in place: back to the target's own units. */
export function undoScaling(X: Float32Array, s: Scaling): Float32Array {
  const width = s.mean.length;
  for (let i = 0; i < X.length; i++) X[i] = X[i] * s.std[i % width] + s.mean[i % width];
  return X;
}

function columnIndex(table: CsvTable, name: string, role: string): number {
  const c = table.columns.indexOf(name);
  if (c < 0) throw new FormatError(`${table.file} line 1: no ${role} column "${name}" in the header (columns: ${table.columns.join(', ')})`);
  return c;
}

/** Cell (i, c) as a number; a text cell's error suggests --categorical or --features. */
export function numberCell(table: CsvTable, i: number, c: number): number {
  const cell = table.rows[i][c].trim();
  const v = csvNumber(cell);
  if (!storable(v)) {
    const name = table.columns[c];
    const error = cellError(`${table.file} line ${table.lines[i]}, column "${name}"`, cell);
    // A text cell (not a number at all, nor a signed 0x/0b/0o literal) may be a category.
    if (cell !== '' && Number.isNaN(Number(cell.replace(/^[+-]/, '')))) error.message += `; if "${name}" holds categories, add --categorical ${name} (or --categorical auto) to one-hot encode it, or leave it out with --features`;
    throw error;
  }
  return v;
}

export function compareLabels(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a < b ? -1 : a > b ? 1 : 0;
}
