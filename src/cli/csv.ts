import { FormatError } from '../errors.js';

/** A parsed CSV file: the header's column names and the data records, each with its line number. */
export interface CsvTable {
  file: string;
  columns: string[];
  rows: string[][];
  /** 1-based line in the file where each data row starts (the header is on line 1 or later). */
  lines: number[];
}

/**
 * Parses CSV text (RFC 4180: comma-separated, fields optionally in double quotes, "" for a quote
 * inside one, quoted fields may hold commas and newlines; LF or CRLF; blank lines ignored).
 * Ragged rows, an empty file and an unclosed quote are errors naming the file and line.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text, file);
  if (records.length === 0) throw new FormatError(`${file}: the file is empty, expected a header line and data rows`);
  const [header, ...data] = records;
  const columns = header.fields.map((c) => c.trim());
  columns.forEach((name, j) => {
    if (name === '') throw new FormatError(`${file} line ${header.line}, column ${j + 1}: the header has an empty column name`);
    if (columns.indexOf(name) !== j) throw new FormatError(`${file} line ${header.line}: column "${name}" appears twice in the header`);
  });
  if (data.length === 0) throw new FormatError(`${file}: no data rows after the header on line ${header.line}`);
  for (const r of data) {
    const n = r.fields.length;
    if (n < columns.length) {
      throw new FormatError(`${file} line ${r.line}, column "${columns[n]}": missing (the row has ${n} field${n === 1 ? '' : 's'}, the header ${columns.length})`);
    }
    if (n > columns.length) {
      throw new FormatError(`${file} line ${r.line}, column ${columns.length + 1}: an extra field beyond the header's ${columns.length} columns (the row has ${n})`);
    }
  }
  return { file, columns, rows: data.map((r) => r.fields), lines: data.map((r) => r.line) };
}

interface CsvRecord { fields: string[]; line: number }

function splitRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  // A record with a single empty field is a blank line.
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ fields, line: start });
    fields = [];
    field = '';
  };
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new FormatError(`${file} line ${quoteLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** One CSV field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
