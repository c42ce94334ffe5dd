// How the CLI reads a numeric CSV cell: as a decimal number (Number()'s reading of the trimmed
// text, without its 0x/0b/0o integer literals, which no CSV means), stored in float32 as every
// feature and target is, so a value beyond float32's range (±3.4e38, e.g. 1e39) is refused where
// it is, with file, line and column, not later as a NaN of some row of some chunk.
import { FormatError } from '../core/errors.js';

/** JavaScript's integer literal prefixes: Number('0x10') is 16. */
const INTEGER_LITERAL = /^[+-]?0[xXbBoO]/;

/** The number in a trimmed cell; NaN for an empty cell, a non-number and a 0x/0b/0o literal. */
export function csvNumber(cell: string): number {
  return cell === '' || INTEGER_LITERAL.test(cell) ? NaN : Number(cell);
}

/** Whether `v` is a number the CLI can store: finite in float32. */
export function storable(v: number): boolean {
  return Number.isFinite(Math.fround(v));
}

/** The error for a cell that is not a storable number, at `where` ("data.csv line 3, column \"x\""). */
export function cellError(where: string, cell: string): FormatError {
  const got = cell === '' ? 'an empty cell' : JSON.stringify(cell.length > 30 ? cell.slice(0, 30) + '…' : cell);
  const finite = Number.isFinite(csvNumber(cell));
  return new FormatError(`${where}: expected a number${finite ? ' within float32\'s range (±3.4e38), which the CLI stores values in' : ''}, got ${got}`);
}
