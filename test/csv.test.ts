// The CLI's CSV reader: RFC 4180 quoting, line numbers for error messages.
import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from '../src/cli/csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffname,"x, y",z\r\n"Smith, J.","say ""hi""",1\r\n\r\n"two\nlines",2,3\n';
    const t = parseCsv(text, 'f.csv');
    expect(t.columns).toEqual(['name', 'x, y', 'z']);
    expect(t.rows).toEqual([['Smith, J.', 'say "hi"', '1'], ['two\nlines', '2', '3']]);
    expect(t.lines).toEqual([2, 4]);
  });

  it('keeps empty fields and reads a last line without a newline', () => {
    expect(parseCsv('a,b,c\n1,,3', 'f.csv').rows).toEqual([['1', '', '3']]);
  });

  it('round-trips fields through csvField', () => {
    const fields = ['plain', 'a,b', 'say "x"', 'two\nlines', ''];
    expect(parseCsv('h1,h2,h3,h4,h5\n' + fields.map(csvField).join(','), 'f.csv').rows[0]).toEqual(fields);
  });

  it('names the line of a header problem', () => {
    expect(() => parseCsv('a,,c\n1,2,3', 'f.csv')).toThrow('f.csv line 1, column 2: the header has an empty column name');
    expect(() => parseCsv('a,a\n1,2', 'f.csv')).toThrow('f.csv line 1: column "a" appears twice in the header');
    expect(() => parseCsv('a,b\n\n', 'f.csv')).toThrow('f.csv: no data rows after the header on line 1');
  });
});
