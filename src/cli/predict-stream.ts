// `wasm-mlp predict` as the file streams: rows are read, predicted and written a chunk at a time,
// so a file of any size takes memory for one chunk. To a file, the output goes to a temporary
// name first and is renamed at the end: a bad row part-way leaves no half-written predictions.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { MLP } from '../api/mlp.js';
import { WasmMlpError } from '../core/errors.js';
import { CsvHeader, csvField } from './csv.js';
import { readCsvChunks, type CsvRecord } from './csv-records.js';
import { predictRows } from './metric-report.js';
import type { ModelFile } from './model-file.js';
import type { ProgressOutput } from './progress.js';
import { argmaxRows } from './train-loop.js';
import { FormatError } from '../core/errors.js';
import type { RawRow } from '../preprocessing/rows.js';

/** Rows predicted at once. */
const CHUNK_ROWS = 2048;

/** Writes the file's rows with the model's prediction appended; returns how many rows. */
export function predictStreamed(model: ModelFile, net: MLP, file: string, out: ProgressOutput | string): number {
  const sink = typeof out === 'string' ? new FileSink(out) : { write: (text: string) => void out.write(text), commit: () => {}, abandon: () => {} };
  try {
    const rows = predictInto(model, net, file, (text) => sink.write(text));
    sink.commit();
    return rows;
  } catch (error) {
    sink.abandon();
    throw error;
  }
}

function predictInto(model: ModelFile, net: MLP, file: string, write: (text: string) => void): number {
  const header = new CsvHeader(file);
  const width = model.features.length;
  const classes = model.classes;
  let featureColumns: number[] = [];
  let X = new Float32Array(CHUNK_ROWS * width);
  // A network that one-hot encodes text columns is given the cells themselves.
  const text = new Set(net.input?.columns.filter((c) => c.type === 'one-hot').map((c) => c.name));
  let cells: RawRow[] = [];
  let rows: string[][] = [];
  let total = 0;
  const flush = () => {
    if (rows.length === 0) return;
    const outputs = predictRows(model, net, text.size > 0 ? cells : X.subarray(0, rows.length * width));
    const k = classes ? classes.length : 1;
    const lines = rows.map((row, i) => {
      const values = Array.from(outputs.subarray(i * k, (i + 1) * k));
      const cells = classes
        ? [classes[argmaxRows(values, k)[0]], ...values.map((p) => p.toPrecision(6))]
        : [String(Number(values[0].toPrecision(7)))];
      return [...row, ...cells].map(csvField).join(',');
    });
    write(lines.join('\n') + '\n');
    total += rows.length;
    rows = [];
    cells = [];
    X = new Float32Array(CHUNK_ROWS * width);
  };
  const onRecord = (record: CsvRecord) => {
    if (!header.read(record)) {
      featureColumns = model.features.map((name) => {
        const c = header.columns!.indexOf(name);
        if (c < 0) throw new FormatError(`${file} line 1: no feature column "${name}" in the header (columns: ${header.columns!.join(', ')})`);
        return c;
      });
      const names = [...header.columns!, `predicted ${model.target}`, ...(classes ? classes.map((c) => `p(${c})`) : [])];
      write(names.map(csvField).join(',') + '\n');
      return;
    }
    const i = rows.length;
    if (text.size > 0) cells.push(featureColumns.map((c, j) => (text.has(model.features[j]) ? record.text(c).trim() : record.number(c))));
    featureColumns.forEach((c, j) => {
      if (text.has(model.features[j])) return;
      const v = record.number(c);
      if (!Number.isFinite(v)) {
        const cell = record.text(c).trim();
        const got = cell === '' ? 'an empty cell' : JSON.stringify(cell.length > 30 ? cell.slice(0, 30) + '…' : cell);
        throw new FormatError(`${file} line ${record.line}, column "${header.columns![c]}": expected a number, got ${got}`);
      }
      X[i * width + j] = v;
    });
    rows.push(Array.from({ length: record.count }, (_, j) => record.text(j)));
    if (rows.length === CHUNK_ROWS) flush();
  };
  for (const _ of readCsvChunks(file, onRecord));
  flush();
  header.finish(total);
  return total;
}

/** Writes to a temporary file beside `path`, renamed to it on commit. */
class FileSink {
  private readonly temporary: string;
  private readonly fd: number;

  constructor(private readonly path: string) {
    this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    this.fd = this.attempt(() => openSync(this.temporary, 'w'));
  }

  write(text: string): void {
    this.attempt(() => writeSync(this.fd, text));
  }

  commit(): void {
    closeSync(this.fd);
    this.attempt(() => renameSync(this.temporary, this.path));
  }

  abandon(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
    rmSync(this.temporary, { force: true });
  }

  private attempt<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw new WasmMlpError(`${this.path}: could not write the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}
