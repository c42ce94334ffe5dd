// Fitting an input stage from data, as Keras's `adapt` and scikit-learn's `fit`: the statistics
// and categories a spec leaves out are computed from every row, in float64.
import { checkColumnSpecs, checkInputStage, isCategorical, type AdaptedStage, type ColumnSpec, type InputSpec } from './stage.js';
import { categoryCell, numberCell, readRawRows, type RawRows, type RawTable } from './rows.js';

/**
 * Fits an input stage to raw rows: per 'standardize' column the mean and population standard
 * deviation (ddof = 0, StandardScaler's), per 'min-max' column the minimum and maximum, per
 * categorical column its distinct cells, sorted (numerically when every cell is a number, else as
 * text, as scikit-learn's `categories='auto'`). What the spec already gives is kept. Pass the
 * result to `MLP.create({ layers: [stage.width, …], input: stage })`.
 * @example
 * const input = adaptInput([[5.1, 'Springfield'], [4.9, 'Shelbyville']], { columns: [{ name: 'x', type: 'standardize' }, { name: 'city', type: 'one-hot' }] });
 * input.width; // 3
 * @throws {ValueError} for a bad spec, a cell that is not a finite number in a numeric column, or not a string or number in a categorical one.
 * @throws {ShapeError} when a row has the wrong number of cells.
 */
export function adaptInput<const C extends readonly ColumnSpec[]>(rows: RawRows, spec: InputSpec & { columns: C }): AdaptedStage<C> {
  const fn = 'adaptInput';
  const columns = checkColumnSpecs(fn, 'spec', spec, false);
  const table = readRawRows(fn, 'rows', columns, rows);
  const fittedColumns = columns.map((c, j) => fitColumn(fn, c, table, j));
  // The checked stage's columns are fitted from `spec.columns` in order, so each has its spec's type.
  return checkInputStage(fn, 'spec', { columns: fittedColumns }) as AdaptedStage<C>;
}

function fitColumn(fn: string, c: ColumnSpec, table: RawTable, j: number): ColumnSpec {
  if (isCategorical(c.type)) return c.categories ? c : { ...c, categories: distinctSorted(fn, table, j) };
  if (c.type === 'passthrough') {
    for (let i = 0; i < table.rows; i++) numberCell(fn, table, i, j);
    return c;
  }
  if ((c.type === 'standardize' && c.mean !== undefined) || (c.type === 'min-max' && c.min !== undefined)) return c;
  const values = Float64Array.from({ length: table.rows }, (_, i) => numberCell(fn, table, i, j));
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (c.type === 'min-max') return { ...c, min, max };
  // A constant column is exactly constant: its mean is the value and its std 0, whatever the
  // rounding of a sum would give (scikit-learn detects such columns and scales them by 1).
  if (min === max) return { ...c, mean: min, std: 0 };
  // Two passes: the mean, then the mean squared deviation from it (population variance).
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { ...c, mean, std: Math.sqrt(squares / values.length) };
}

function distinctSorted(fn: string, table: RawTable, j: number): string[] {
  const seen = new Set<string>();
  let numeric = true;
  for (let i = 0; i < table.rows; i++) {
    seen.add(categoryCell(fn, table, i, j));
    if (typeof table.cell(i, j) !== 'number') numeric = false;
  }
  const categories = [...seen];
  return numeric ? categories.sort((a, b) => Number(a) - Number(b)) : categories.sort();
}
