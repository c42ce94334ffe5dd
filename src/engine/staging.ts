// The fast way in for inference: inputs go into the engine's batch buffer with one bulk copy
// (`TypedArray.set`) per array or row, and the engine then scans the copy for NaN and ±Infinity
// (a SIMD loop in the wasm builds). Checking and converting value by value in JavaScript cost
// more than the forward pass of a small network.

import type { Engine } from './engine.js';
import type { FloatArray } from '../model/options.js';
import { badValue, firstNonFinite, type Matrix } from '../model/data.js';
import { isFloat32Array, isFloatArray } from '../core/typed-arrays.js';

/** Staged values up to which the scan for NaN and ±Infinity runs in JavaScript. */
const SCAN_HERE = 64;

/**
 * Copies rows first…first+rows−1 of X (already counted and shaped by `countRows`) into the
 * engine's input buffer and checks that every value is a finite number that stays finite in
 * the buffer's precision; throws the error `copyRows` would, naming row and column.
 */
export function stageRows(fn: string, name: string, engine: Pick<Engine, 'layout' | 'inputBuffer' | 'inputNonFinite'>, X: Matrix, first: number, rows: number): void {
  const width = engine.layout.inputSize;
  const into = engine.inputBuffer(rows);
  if (isFloatArray(X)) {
    into.set(first === 0 && X.length === into.length ? X : X.subarray(first * width, (first + rows) * width));
  } else {
    for (let i = 0; i < rows; i++) copyRow(fn, name, X[first + i], first + i, into, i * width, width);
  }
  // A few values are scanned here: the call into the engine costs more than they do.
  const bad = into.length <= SCAN_HERE ? firstNonFinite(into, false) : engine.inputNonFinite(rows);
  if (bad >= 0) throw nonFinite(fn, name, X, into, first * width + bad, width);
}

/** One row of a number[][]: a type check in JS (set() would turn null into 0), then a bulk copy. */
function copyRow(fn: string, name: string, row: readonly number[] | FloatArray, r: number, into: FloatArray, offset: number, width: number): void {
  if (Array.isArray(row)) {
    for (let j = 0; j < width; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') throw badValue(fn, `${name} row ${r}, column ${j}`, v);
    }
  }
  into.set(row, offset);
}

/** The error for X's value at flat index i, worded as `copyRows` words it. */
function nonFinite(fn: string, name: string, X: Matrix, into: FloatArray, i: number, width: number) {
  const row = Math.floor(i / width);
  const column = i % width;
  const flat = isFloatArray(X);
  const value = flat ? X[i] : X[row][column];
  // Finite in float64 but not in a float32 buffer: badValue says why.
  const float32 = into instanceof Float32Array && !isFloat32Array(X);
  const where = flat ? `${name}[${i}] (row ${row}, column ${column})` : `${name} row ${row}, column ${column}`;
  return badValue(fn, where, value, undefined, float32);
}
