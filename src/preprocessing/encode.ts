// Applying a fitted input stage: raw rows in, the network's input rows (float64) out.
import { ValueError, describe } from '../core/errors.js';
import { columnOffset, columnScale, columnWidth, type InputColumn, type InputStage } from './stage.js';
import { categoryCell, numberCell, readRawRows } from './rows.js';

/** A column's encoder, built once per stage: a numeric column's offset and divisor, a categorical one's lookup. */
interface ColumnEncoder {
  column: InputColumn;
  offset: number;
  scale: number;
  index: Map<string, number> | null;
  width: number;
}

const encoders = new WeakMap<InputStage, ColumnEncoder[]>();

function encodersOf(stage: InputStage): ColumnEncoder[] {
  let list = encoders.get(stage);
  if (!list) {
    list = stage.columns.map((column) => ({
      column, offset: columnOffset(column), scale: columnScale(column), width: columnWidth(column),
      index: column.type === 'one-hot' || column.type === 'ordinal' ? new Map(column.categories.map((c, k) => [c, k])) : null,
    }));
    encoders.set(stage, list);
  }
  return list;
}

/**
 * The stage's output for raw rows X (see `RawRows`): rows × `stage.width` float64 values, each
 * numeric column (x − offset) / scale, each one-hot column its 0/1 block, each ordinal column
 * the category's index. Throws, naming the row and column, for a cell the stage cannot encode.
 */
export function encodeRows(fn: string, name: string, stage: InputStage, X: unknown): Float64Array {
  const columns = encodersOf(stage);
  const table = readRawRows(fn, name, stage.columns, X);
  const out = new Float64Array(table.rows * stage.width);
  for (let i = 0; i < table.rows; i++) {
    let at = i * stage.width;
    for (let j = 0; j < columns.length; j++) {
      const e = columns[j];
      if (e.index === null) {
        out[at] = (numberCell(fn, table, i, j) - e.offset) / e.scale;
      } else {
        const category = categoryCell(fn, table, i, j);
        const k = e.index.get(category);
        if (k === undefined) {
          if (e.column.type !== 'one-hot' || e.column.handleUnknown !== 'ignore') throw unknownCategory(fn, table.where(i, j), category, e.column);
        } else out[at + (e.column.type === 'one-hot' ? k : 0)] = e.column.type === 'one-hot' ? 1 : k;
      }
      at += e.width;
    }
  }
  return out;
}

function unknownCategory(fn: string, where: string, category: string, column: InputColumn): ValueError {
  const known = column.type === 'one-hot' || column.type === 'ordinal' ? column.categories : [];
  const list = known.slice(0, 8).map((c) => JSON.stringify(c)).join(', ') + (known.length > 8 ? `, … (${known.length} in all)` : '');
  const hint = column.type === 'one-hot' ? "; give the column handleUnknown: 'ignore' to encode unknown categories as all zeros" : '';
  return new ValueError(`${fn}: ${where} is ${describe(category)}, a category the input stage was not fitted on (it knows ${list})${hint}`);
}
