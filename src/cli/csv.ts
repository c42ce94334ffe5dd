import { FormatError } from '../core/errors.js';
import { CsvSplitter, forEachCsvRecord, type CsvRecord } from './csv-records.js';

/** A parsed CSV file: the header's column names and the data records, each with its line number. */
export interface CsvTable {
  file: string;
  columns: string[];
  rows: string[][];
  /** 1-based line in the file where each data row starts (the header is on line 1 or later). */
  lines: number[];
}

/**
 * Parses CSV text (see `CsvSplitter` for the dialect). Ragged rows, an empty file and an
 * unclosed quote are errors naming the file and line.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const collect = tableCollector(file);
  const splitter = new CsvSplitter(file, collect.add);
  splitter.push(new TextEncoder().encode(text));
  splitter.end();
  return collect.table();
}

/** Reads a whole CSV file into memory, in chunks (no string of the whole file). */
export function readCsvTable(file: string): CsvTable {
  const collect = tableCollector(file);
  forEachCsvRecord(file, collect.add);
  return collect.table();
}

function tableCollector(file: string): { add: (record: CsvRecord) => void; table: () => CsvTable } {
  const header = new CsvHeader(file);
  const rows: string[][] = [];
  const lines: number[] = [];
  return {
    add: (record) => {
      if (!header.read(record)) return;
      rows.push(Array.from({ length: record.count }, (_, j) => record.text(j)));
      lines.push(record.line);
    },
    table: () => ({ file, columns: header.finish(rows.length), rows, lines }),
  };
}

/**
 * The header of a CSV read record by record: the first record names the columns; every later
 * one is checked to have exactly as many fields.
 */
export class CsvHeader {
  columns: string[] | null = null;
  line = 0;

  constructor(readonly file: string) {}

  /** Takes the header from the first record (returns false); checks a data record's width (returns true). */
  read(record: CsvRecord): boolean {
    const { file } = this;
    if (this.columns === null) {
      const columns = Array.from({ length: record.count }, (_, j) => record.text(j).trim());
      columns.forEach((name, j) => {
        if (name === '') throw new FormatError(`${file} line ${record.line}, column ${j + 1}: the header has an empty column name`);
        if (columns.indexOf(name) !== j) throw new FormatError(`${file} line ${record.line}: column "${name}" appears twice in the header`);
      });
      this.columns = columns;
      this.line = record.line;
      return false;
    }
    const n = record.count;
    const width = this.columns.length;
    if (n < width) {
      throw new FormatError(`${file} line ${record.line}, column "${this.columns[n]}": missing (the row has ${n} field${n === 1 ? '' : 's'}, the header ${width})`);
    }
    if (n > width) {
      throw new FormatError(`${file} line ${record.line}, column ${width + 1}: an extra field beyond the header's ${width} columns (the row has ${n})`);
    }
    return true;
  }

  /** The columns, once the file has ended with `rows` data rows (an empty file or no rows is an error). */
  finish(rows: number): string[] {
    if (this.columns === null) throw new FormatError(`${this.file}: the file is empty, expected a header line and data rows`);
    if (rows === 0) throw new FormatError(`${this.file}: no data rows after the header on line ${this.line}`);
    return this.columns;
  }
}

/** One CSV field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
