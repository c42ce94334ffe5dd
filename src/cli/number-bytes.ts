// Decimal numbers read straight from bytes. Exactly `csvNumber(text.trim())` (empty or 0x… → NaN): plain
// decimals whose digits fit below 2^53 with a power of ten up to 10^22 are one correctly rounded
// multiplication or division of two exact doubles (Clinger's fast path); anything else goes through Number() itself.

import { csvNumber } from './csv-number.js';

const decoder = new TextDecoder();
/** 10^0 … 10^22: every one exact in a double. */
const POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const MAX_EXACT = 2 ** 53;

/** The number in b[start, end), as csvNumber reads the trimmed text; an empty cell is NaN. */
export function parseNumberBytes(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let e = end;
  while (i < e && (b[i] === 0x20 || b[i] === 0x09)) i++;
  while (e > i && (b[e - 1] === 0x20 || b[e - 1] === 0x09)) e--;
  if (i === e) return NaN;
  const first = i;
  let negative = false;
  if (b[i] === 0x2d || b[i] === 0x2b) { negative = b[i] === 0x2d; i++; }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  while (i < e && b[i] >= 0x30 && b[i] <= 0x39) { mantissa = mantissa * 10 + (b[i] - 0x30); digits++; i++; }
  if (i < e && b[i] === 0x2e) {
    i++;
    while (i < e && b[i] >= 0x30 && b[i] <= 0x39) { mantissa = mantissa * 10 + (b[i] - 0x30); digits++; scale--; i++; }
  }
  if (digits > 0 && i < e && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    let sign = 1;
    if (i < e && (b[i] === 0x2d || b[i] === 0x2b)) { sign = b[i] === 0x2d ? -1 : 1; i++; }
    let exponent = 0;
    let expDigits = 0;
    while (i < e && b[i] >= 0x30 && b[i] <= 0x39 && expDigits < 6) { exponent = exponent * 10 + (b[i] - 0x30); expDigits++; i++; }
    if (expDigits === 0) return NaN;
    scale += sign * exponent;
  }
  // Anything unusual (hex, Infinity, too many digits, non-ASCII spaces) is Number()'s to read.
  if (i !== e || digits === 0 || mantissa >= MAX_EXACT || scale < -22 || scale > 22) return slow(b, first, e);
  const magnitude = scale >= 0 ? mantissa * POWERS[scale] : mantissa / POWERS[-scale];
  return negative ? -magnitude : magnitude;
}

function slow(b: Uint8Array, start: number, end: number): number {
  return csvNumber(decoder.decode(b.subarray(start, end)).trim());
}
