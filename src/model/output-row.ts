// The type of one row of a network's outputs. When `MLP.create` sees `layers` written out
// (`[2, 4, 1]`), the width is known, so a row is a tuple and `predict(X).map(([p]) => p)` reads a
// number even under noUncheckedIndexedAccess; a network read from a file, or `layers` held in a
// `number[]`, has rows of `number[]`. The width rides beside the class (`KnownOutputs<1> & MLP`)
// rather than as a parameter of it, so such a network is still an `MLP` wherever one is asked for.
import type { RawRow } from '../preprocessing/rows.js';

/** The number of outputs of a network built with `layers`: its last entry when written out, else `number`. */
export type OutputWidth<L extends readonly number[]> = L extends readonly [...unknown[], infer N extends number] ? N : number;

/** Tuples are built up to this width; a wider row is a `number[]` (a tuple of hundreds helps nobody). */
type Widest = 32;

/**
 * One row of outputs of a network with `N` outputs: `[number]`, `[number, number]`, … while `N`
 * is a known whole number up to 32, otherwise `number[]`.
 */
export type OutputRow<N extends number, Row extends number[] = []> =
  number extends N ? number[]
    : Row['length'] extends N ? Row
      : Row['length'] extends Widest ? number[]
        : OutputRow<N, [...Row, number]>;

/**
 * The forms of `predict` and `predictAsync` for a network with `N` outputs, each row an `OutputRow<N>`: what
 * `MLP.create` adds to the `MLP` it returns when `layers` is written out. Other inputs (typed
 * arrays) take `MLP.predict`'s own forms.
 */
export interface KnownOutputs<N extends number> {
  /**
   * Rows in, one `OutputRow<N>` per row out: `MLP.predict` with rows typed by their width.
   * @throws {ShapeError} when a row's length is not the network's input size.
   * @throws {ValueError} when a value is not a finite number.
   */
  predict(X: readonly (readonly number[])[]): OutputRow<N>[];
  /**
   * One sample in, one `OutputRow<N>` out.
   * @throws {ShapeError} when the sample's length is not the network's input size.
   * @throws {ValueError} when a value is not a finite number.
   */
  predict(sample: readonly number[]): OutputRow<N>;
  /**
   * Raw rows in (a network with an input stage), one `OutputRow<N>` per row out.
   * @throws {ShapeError} when a row's length is not the stage's column count.
   * @throws {ValueError} when a cell is one the stage cannot encode.
   */
  predict(X: readonly RawRow[]): OutputRow<N>[];
  /**
   * One raw row in, one `OutputRow<N>` out.
   * @throws {ShapeError} when the row's length is not the stage's column count.
   * @throws {ValueError} when a cell is one the stage cannot encode.
   */
  predict(sample: RawRow): OutputRow<N>;
  /**
   * `MLP.predictAsync` with rows typed by their width: rows in, one `OutputRow<N>` per row out.
   * @throws {ShapeError} when a row's length is not the network's input size.
   * @throws {ValueError} when a value is not a finite number.
   */
  predictAsync(X: readonly (readonly number[])[]): Promise<OutputRow<N>[]>;
  /**
   * One sample in, one `OutputRow<N>` out, as `MLP.predictAsync`.
   * @throws {ShapeError} when the sample's length is not the network's input size.
   * @throws {ValueError} when a value is not a finite number.
   */
  predictAsync(sample: readonly number[]): Promise<OutputRow<N>>;
}
