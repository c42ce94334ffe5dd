// A streaming CSV record splitter over bytes. Files larger than memory are read in chunks; each
// record is handed over as field ranges in the current buffer, so a numeric cell becomes a number
// without first becoming a string (the cost that dominates reading wide numeric CSVs).
import { closeSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../core/errors.js';
import { parseNumberBytes } from './number-bytes.js';
import { csvNumber } from './csv-number.js';

/** One record's fields; valid only inside the callback that receives it. */
export interface CsvRecord {
  /** 1-based line where the record starts (blank lines and CRLF counted as the file shows them). */
  readonly line: number;
  /** How many fields the record has. */
  readonly count: number;
  /** Field j as text, unquoted ("" inside quotes read as "). */
  text(j: number): string;
  /** Field j as `csvNumber(text.trim())` reads it (an empty cell, 0x10: NaN). */
  number(j: number): number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder();

/**
 * Splits CSV bytes into records (RFC 4180: comma-separated, fields optionally in double quotes,
 * "" for a quote inside one, quoted fields may hold commas and newlines; LF, CRLF or CR line
 * ends; a UTF-8 BOM and blank lines ignored). Feed chunks with `push`, then call `end`.
 */
export class CsvSplitter implements CsvRecord {
  line = 1;
  count = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private starts: Int32Array = new Int32Array(64);
  private ends: Int32Array = new Int32Array(64);
  /** Text of quoted fields (decoded while splitting); undefined for plain fields. */
  private quoted: (string | undefined)[] = [];
  /** Line of the next byte to scan, and whether the file's first bytes were seen (for the BOM). */
  private nextLine = 1;
  private started = false;

  constructor(private readonly file: string, private readonly onRecord: (record: CsvRecord) => void) {}

  /** Splits what the chunk completes; an unfinished last record waits for the next chunk. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (!this.started) {
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const rest = this.buffer;
    this.buffer = rest.length === 0 ? bytes : concat(rest, bytes);
    const consumed = this.split(false);
    // Keep only the unfinished record; copy it so the caller may reuse its chunk buffer.
    this.buffer = this.buffer.slice(consumed);
  }

  /** Splits the last record (one without a final newline); an open quote is an error. */
  end(): void {
    this.split(true);
    this.buffer = new Uint8Array(0);
  }

  text(j: number): string {
    return this.quoted[j] ?? decoder.decode(this.buffer.subarray(this.starts[j], this.ends[j]));
  }

  number(j: number): number {
    const q = this.quoted[j];
    if (q !== undefined) return csvNumber(q.trim());
    return parseNumberBytes(this.buffer, this.starts[j], this.ends[j]);
  }

  /** Emits every complete record in the buffer; returns the offset where the unfinished one starts. */
  private split(final: boolean): number {
    const b = this.buffer;
    const n = b.length;
    let recordStart = 0;
    let i = 0;
    let line = this.nextLine;
    while (i < n || (final && recordStart < n)) {
      const recordLine = line;
      this.count = 0;
      let complete = false;
      // One field per iteration.
      for (;;) {
        let start = i;
        while (start < n && (b[start] === 0x20 || b[start] === 0x09)) start++;
        let text: string | undefined;
        let end: number;
        if (start < n && b[start] === QUOTE) {
          // A quoted field: find its closing quote, counting newlines inside it.
          const quoteLine = line;
          let k = start + 1;
          let closed = -1;
          let escaped = false;
          while (k < n) {
            const c = b[k];
            if (c === QUOTE) {
              if (k + 1 < n && b[k + 1] === QUOTE) { escaped = true; k += 2; continue; }
              if (k + 1 >= n && !final) break; // a quote at the chunk's end may be the first of ""
              closed = k;
              break;
            }
            if (c === LF) line++;
            k++;
          }
          if (closed < 0) {
            if (final) throw new FormatError(`${this.file} line ${quoteLine}: a quoted field is never closed`);
            return this.unfinished(recordStart, recordLine);
          }
          text = decoder.decode(b.subarray(start + 1, closed));
          if (escaped) text = text.replaceAll('""', '"');
          // Characters after the closing quote belong to the field, as they are.
          end = closed + 1;
          while (end < n && b[end] !== COMMA && b[end] !== LF && b[end] !== CR) end++;
          if (end > closed + 1) text += decoder.decode(b.subarray(closed + 1, end));
        } else {
          end = start;
          while (end < n && b[end] !== COMMA && b[end] !== LF && b[end] !== CR) end++;
          start = i;
        }
        if (end >= n && !final) return this.unfinished(recordStart, recordLine);
        this.addField(start, end, text);
        if (end < n && b[end] === COMMA) { i = end + 1; continue; }
        // A line end (CR, LF or CRLF), or the end of the file.
        i = end;
        if (i < n) {
          if (b[i] === CR && i + 1 >= n && !final) return this.unfinished(recordStart, recordLine);
          i += b[i] === CR && b[i + 1] === LF ? 2 : 1;
          line++;
        }
        complete = true;
        break;
      }
      if (complete) {
        this.line = recordLine;
        if (!this.isBlank()) this.onRecord(this);
        recordStart = i;
        this.nextLine = line;
      }
      if (i >= n) break;
    }
    this.nextLine = line;
    return recordStart;
  }

  /** The record from `start` continues in the next chunk: it is split again from its first byte. */
  private unfinished(start: number, line: number): number {
    this.nextLine = line;
    return start;
  }

  private addField(start: number, end: number, text: string | undefined): void {
    const j = this.count++;
    if (j === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[j] = start;
    this.ends[j] = end;
    this.quoted[j] = text;
  }

  /** A record of one empty (or whitespace) field is a blank line. */
  private isBlank(): boolean {
    return this.count === 1 && this.text(0).trim() === '';
  }
}

/**
 * Reads a CSV file in chunks, calling `onRecord` for every non-blank record, so memory stays
 * bounded by the chunk and the longest record, not the file.
 */
export function forEachCsvRecord(file: string, onRecord: (record: CsvRecord) => void, chunkBytes = 1 << 20): void {
  for (const _ of readCsvChunks(file, onRecord, chunkBytes));
}

/**
 * As `forEachCsvRecord`, pausing after each chunk of the file (yielding its size in bytes), so
 * a consumer can hand on what the chunk's records produced before the next chunk is read.
 */
export function* readCsvChunks(file: string, onRecord: (record: CsvRecord) => void, chunkBytes = 1 << 20): Generator<number> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new FormatError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const splitter = new CsvSplitter(file, onRecord);
    const chunk = new Uint8Array(chunkBytes);
    for (;;) {
      const got = readSync(fd, chunk, 0, chunkBytes, null);
      if (got === 0) break;
      splitter.push(chunk.subarray(0, got));
      yield got;
    }
    splitter.end();
  } finally {
    closeSync(fd);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function grow(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}
