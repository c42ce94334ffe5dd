// The streaming CSV splitter: the same records and line numbers however the bytes are chunked,
// and numbers read from bytes exactly as Number() reads the text.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvSplitter, forEachCsvRecord } from '../src/cli/csv-records.js';
import { parseNumberBytes } from '../src/cli/number-bytes.js';
import { readCsvTable } from '../src/cli/csv.js';

type Rec = { line: number; fields: string[] };

/** Splits `text` fed in chunks of `size` bytes. */
function split(text: string, size: number): Rec[] {
  const records: Rec[] = [];
  const s = new CsvSplitter('f.csv', (r) => records.push({ line: r.line, fields: Array.from({ length: r.count }, (_, j) => r.text(j)) }));
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) s.push(bytes.slice(i, i + size));
  s.end();
  return records;
}

// A BOM, CRLF, runs of blank lines, quotes holding commas, "" and newlines (LF and CRLF), UTF-8,
// spaces around a quoted field, and a last record without a newline.
const tricky = '\ufeffname,"x, y",z\r\n"Smith, J.","say ""hi""",1\r\n\r\n\r\n"two\nlines",2,3\n\n\n  "pad" ,é,"a""\r\nlast",5,"6"';
const expected: Rec[] = [
  { line: 1, fields: ['name', 'x, y', 'z'] },
  { line: 2, fields: ['Smith, J.', 'say "hi"', '1'] },
  { line: 5, fields: ['two\nlines', '2', '3'] },
  { line: 9, fields: ['pad ', 'é', 'a"\r\nlast', '5', '6'] },
];

describe('CsvSplitter', () => {
  it('gives the same records and lines for every chunk size (CRLF, blank lines, quotes, BOM, UTF-8)', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) expect(split(tricky, size), `chunks of ${size}`).toEqual(expected);
  });

  it('counts lone CR, LF and CRLF as one line end each, and a record without a final newline', () => {
    for (const size of [1, 4, 100]) {
      expect(split('a,b\r1,2\r\n\r\n3,4\n\r5,6', size)).toEqual([
        { line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }, { line: 4, fields: ['3', '4'] }, { line: 6, fields: ['5', '6'] },
      ]);
    }
  });

  it('names the line where an unclosed quote opens', () => {
    for (const size of [1, 3, 100]) expect(() => split('a,b\r\n\r\n1,"2\r\n3\n', size)).toThrow('f.csv line 3: a quoted field is never closed');
  });

  it('keeps empty and trailing fields', () => {
    expect(split('1,,3,\n,\n', 2)).toEqual([{ line: 1, fields: ['1', '', '3', ''] }, { line: 2, fields: ['', ''] }]);
  });
});

describe('a file read in chunks', () => {
  it('names the line and column of a bad value in the middle of a large file with CRLF and blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    const file = join(dir, 'big.csv');
    const lines = ['a,b,y'];
    let want = 0;
    for (let i = 0; i < 30000; i++) {
      lines.push(i % 1000 === 999 ? '' : i === 20000 ? '7,oops,1' : `${i},${i / 8},"${i % 3}"`);
      if (i % 1000 !== 999) want += i === 20000 ? 8 : i + i / 8 + (i % 3);
    }
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    let rows = 0;
    let bad: { line: number; column: number } | null = null;
    let sum = 0;
    forEachCsvRecord(file, (r) => {
      if (r.line === 1) return;
      rows++;
      for (let j = 0; j < r.count; j++) {
        const v = r.number(j);
        if (Number.isNaN(v)) bad ??= { line: r.line, column: j + 1 };
        else sum += v;
      }
    }, 4096);
    expect(rows).toBe(30000 - 30);
    expect(bad).toEqual({ line: 20002, column: 2 });
    // The table reader over the same chunks keeps the file's line numbers too.
    const table = readCsvTable(file);
    expect(table.rows.length).toBe(29970);
    expect(table.lines[table.rows.findIndex((row) => row[1] === 'oops')]).toBe(20002);
    expect(table.rows[0]).toEqual(['0', '0', '0']);
    expect(sum).toBe(want);
  });
});

describe('parseNumberBytes', () => {
  const cells = [
    '0', '-0', '+0', '1', '-1', '+7', '255', '0.5', '.5', '-.5', '5.', '1e3', '1E-3', '1.5e-3', '-2.5E+10', '00012', '0.1', '0.2', '0.3',
    '3.141592653589793', '2.718281828459045', '123456789012345678', '9007199254740993', '9007199254740992', '0.1e-22', '1e22', '1e23', '4.35', '1e-7',
    '0.000000000000000000000001', '1e400', '1e-400', '  42  ', '\t-3.5 ', '0x10', 'Infinity', '-Infinity', 'NaN', '1_000', '1e', '1e+', '.', '-', '+', '',
    '   ', '1.2.3', '1,5', '١', '\u00a012', '12\u00a0', '0b11', '1e0000001', '7e-0', '123.456e2', '89884656743115795386465259539451236680898848947115328636715040578866337902750481566354238661203768010560056939935696678829394884407208311246423715319737062188883946712432742638151109800623047059726541476042502884419075341171231440736956555270413618581675255342293149119973622969239858152417678164812112068608',
  ];
  it('reads every cell exactly as Number() reads the trimmed text (an empty cell, and a 0x/0b/0o integer literal, as NaN)', () => {
    for (const cell of cells) {
      const bytes = new TextEncoder().encode(`,${cell},`);
      const trimmed = cell.trim();
      const want = trimmed === '' || /^[+-]?0[xXbBoO]/.test(trimmed) ? NaN : Number(trimmed);
      expect(Object.is(parseNumberBytes(bytes, 1, bytes.length - 1), want), JSON.stringify(cell)).toBe(true);
    }
  });

  it('agrees with Number() on 20,000 random decimals of every length', () => {
    let state = 7;
    const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + Math.floor(rand() * 20);
      let s = rand() < 0.3 ? '-' : '';
      for (let d = 0; d < digits; d++) s += Math.floor(rand() * 10);
      const dot = Math.floor(rand() * (digits + 1));
      s = rand() < 0.7 ? s.slice(0, s.length - dot) + '.' + s.slice(s.length - dot) : s;
      if (rand() < 0.3) s += `e${Math.floor(rand() * 60) - 30}`;
      const bytes = new TextEncoder().encode(s);
      expect(Object.is(parseNumberBytes(bytes, 0, bytes.length), Number(s)), s).toBe(true);
    }
  });
});
