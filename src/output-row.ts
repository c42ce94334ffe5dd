// The type of one row of a network's outputs. When `MLP.create` sees `layers` written out
// (`[2, 4, 1]`), the width is known, so a row is a tuple and `predict(X).map(([p]) => p)` reads a
// number even under noUncheckedIndexedAccess; a network read from a file, or `layers` held in a
// `number[]`, has rows of `number[]`.

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
