// Training data read from a CSV file as it streams: one pass for statistics (task, classes,
// standardisation), then every epoch reads the file again through a seeded shuffle buffer, so
// memory is bounded by the buffer and a chunk, never by the file.
import { FormatError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { CsvHeader } from './csv.js';
import { readCsvChunks, type CsvRecord } from './csv-records.js';
import { ShuffleBuffer } from './shuffle-buffer.js';
import { cellError, csvNumber, storable } from './csv-number.js';
import { compareLabels, type Scaling, type Task } from './table.js';

/** Which rows a pass reads: training rows, held-out validation rows, or all. */
export type RowRole = 'train' | 'validation' | 'all';

/** How to turn a CSV file into chunks of rows; plain data, so a worker can be given it. */
export interface StreamPlan {
  file: string;
  /** Feature columns, and the target column (null: rows without targets, as for predictions). */
  features: string[];
  target: string | null;
  task: Task;
  classes: string[] | null;
  featureScaling: Scaling | null;
  /** Applied to regression targets when set; null leaves them in their units. */
  targetScaling: Scaling | null;
  /** Fraction of rows held out, chosen per row by a seeded hash of its index. */
  validationSplit: number;
  seed: number;
  role: RowRole;
  /** Rows per shuffle buffer (1: the file's order). */
  shuffleBuffer: number;
  /** Seeds the shuffle buffer (with the seed), e.g. the epoch number. */
  pass: number;
  /** Rows per chunk handed on (a multiple of the batch size, so chunks split into whole batches). */
  chunkRows: number;
}

/** Rows of features and targets (class indices, or numbers) ready to train on. */
export interface Chunk {
  X: Float32Array;
  Y: Int32Array | Float32Array;
  rows: number;
}

/** Whether data row `row` (0-based) is held out: a seeded hash of its index, below the split. */
export function isValidationRow(seed: number, row: number, split: number): boolean {
  if (split <= 0) return false;
  let z = (Math.imul(row ^ 0x5bd1e995, 0x9e3779b9) + Math.imul(seed + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) / 4294967296 < split;
}

/** What the statistics pass found. */
export interface CsvScan {
  columns: string[];
  rows: number;
  trainRows: number;
  validationRows: number;
  task: Task;
  classes: string[] | null;
  /** A numeric target of a few small integers (possible class codes), else null. */
  codes: number[] | null;
  featureScaling: Scaling;
  targetScaling: Scaling | null;
}

/** Distinct target labels kept while scanning; more make a classification an error. */
export const MAX_CLASSES = 10000;

/**
 * The statistics pass: header, row counts, the task (classification when any target cell is not
 * a number, unless told), the classes, and mean and standard deviation of every feature (and a
 * regression target) over the training rows. Every feature cell is checked to be a number.
 */
export function scanCsv(file: string, target: string, features: readonly string[] | null, taskOption: Task | 'auto', validationSplit: number, seed: number): CsvScan & { features: string[] } {
  const header = new CsvHeader(file);
  let featureColumns: number[] = [];
  let targetIndex = -1;
  let chosen: string[] = [];
  let rows = 0;
  let trainRows = 0;
  let stats: RunningMoments | null = null;
  const targetStats = new RunningMoments(1);
  const labels = new Set<string>();
  let numeric = true;
  let values: Float32Array = new Float32Array(0);
  const onRecord = (record: CsvRecord) => {
    if (!header.read(record)) {
      const columns = header.columns!;
      targetIndex = columnIndex(file, columns, target, 'target');
      chosen = features ? [...features] : columns.filter((c) => c !== target);
      featureColumns = chosen.map((name) => columnIndex(file, columns, name, 'feature'));
      stats = new RunningMoments(chosen.length);
      values = new Float32Array(chosen.length);
      return;
    }
    readFeatures(record, file, header.columns!, featureColumns, values);
    const label = record.text(targetIndex).trim();
    const v = csvNumber(label);
    // A number past float32 is no class name: refused here, where its line is known.
    if (Number.isFinite(v) && !storable(v) && taskOption !== 'classification') throw notANumber(file, record, target, targetIndex);
    if (!Number.isFinite(v)) {
      if (taskOption === 'regression') throw notANumber(file, record, target, targetIndex);
      numeric = false;
    }
    if (labels.size <= MAX_CLASSES) labels.add(label);
    if (!isValidationRow(seed, rows, validationSplit)) {
      stats!.add(values);
      if (Number.isFinite(v)) targetStats.add(Float32Array.of(v));
      trainRows++;
    }
    rows++;
  };
  for (const _ of readCsvChunks(file, onRecord));
  const columns = header.finish(rows);
  if (chosen.length === 0) throw new FormatError(`${file}: no feature columns besides the target "${target}"`);
  const task: Task = taskOption !== 'auto' ? taskOption : numeric ? 'regression' : 'classification';
  let classes: string[] | null = null;
  if (task === 'classification') {
    if (labels.size > MAX_CLASSES) throw new FormatError(`${file}, column "${target}": more than ${MAX_CLASSES} distinct classes`);
    classes = [...labels].filter((v) => v !== '').sort(compareLabels);
    if (classes.length < 2) throw new FormatError(`${file}, column "${target}": classification needs at least 2 classes, found ${classes.length}`);
  }
  const distinct = [...new Set([...labels].map(Number))].sort((a, b) => a - b);
  const few = taskOption === 'auto' && task === 'regression' && labels.size <= 10 && distinct.length >= 2 && distinct.length <= 10 && rows >= 3 * distinct.length;
  const codes = few && distinct.every((v) => Number.isInteger(v) && v >= 0 && v < 100) ? distinct : null;
  return {
    columns, features: chosen, rows, trainRows, validationRows: rows - trainRows, task, classes, codes,
    featureScaling: (stats as RunningMoments | null)!.scaling(), targetScaling: task === 'regression' ? targetStats.scaling() : null,
  };
}

/**
 * Reads the plan's rows in chunks of `plan.chunkRows` (the last may be shorter), through the
 * shuffle buffer, standardised; `onChunk` gets each as soon as it is full. Yields after each
 * piece of the file read, so a consumer can pass the chunks on before reading further.
 */
export function* streamChunks(plan: StreamPlan, onChunk: (chunk: Chunk) => void): Generator<void> {
  const width = plan.features.length;
  const targetWidth = 1;
  const classIndex = new Map((plan.classes ?? []).map((c, i) => [c, i]));
  const header = new CsvHeader(plan.file);
  let featureColumns: number[] = [];
  let targetColumn = -1;
  const raw = new Float32Array(width);
  const buffer = new ShuffleBuffer(plan.shuffleBuffer, width, targetWidth, new Random(Math.imul(plan.seed + 1, 0x9e3779b9) ^ (plan.pass + 1)));
  let chunk = newChunk(plan);
  let filled = 0;
  const emit = (x: Float32Array, y: Float32Array) => {
    chunk.X.set(x, filled * width);
    chunk.Y[filled] = y[0];
    if (++filled === plan.chunkRows) {
      onChunk(chunk);
      chunk = newChunk(plan);
      filled = 0;
    }
  };
  const { mean, std } = plan.featureScaling ?? { mean: new Array<number>(width).fill(0), std: new Array<number>(width).fill(1) };
  let row = 0;
  const onRecord = (record: CsvRecord) => {
    if (!header.read(record)) {
      featureColumns = plan.features.map((name) => columnIndex(plan.file, header.columns!, name, 'feature'));
      if (plan.target !== null) targetColumn = columnIndex(plan.file, header.columns!, plan.target, 'target');
      return;
    }
    const held = isValidationRow(plan.seed, row++, plan.validationSplit);
    if (plan.role !== 'all' && held !== (plan.role === 'validation')) return;
    readFeatures(record, plan.file, header.columns!, featureColumns, raw);
    const target = targetColumn < 0 ? 0 : readTarget(record, plan, targetColumn, classIndex);
    buffer.push((x, y) => {
      // As applyScaling on a float32 matrix: (x − mean) / std from the float32 value.
      for (let j = 0; j < width; j++) x[j] = (raw[j] - mean[j]) / std[j];
      y[0] = target;
    }, emit);
  };
  for (const _ of readCsvChunks(plan.file, onRecord)) yield;
  header.finish(row);
  buffer.drain(emit);
  if (filled > 0) onChunk({ X: chunk.X.subarray(0, filled * width), Y: chunk.Y.subarray(0, filled), rows: filled });
}

function newChunk(plan: StreamPlan): Chunk {
  return {
    X: new Float32Array(plan.chunkRows * plan.features.length),
    Y: plan.classes ? new Int32Array(plan.chunkRows) : new Float32Array(plan.chunkRows),
    rows: plan.chunkRows,
  };
}

/** The record's feature cells into `out` (float32), each checked to be a finite number. */
function readFeatures(record: CsvRecord, file: string, columns: readonly string[], featureColumns: readonly number[], out: Float32Array): void {
  for (let j = 0; j < featureColumns.length; j++) {
    const c = featureColumns[j];
    const v = record.number(c);
    if (!storable(v)) throw notANumber(file, record, columns[c], c);
    out[j] = v;
  }
}

function readTarget(record: CsvRecord, plan: StreamPlan, c: number, classIndex: Map<string, number>): number {
  const name = plan.target!;
  if (plan.classes) {
    const label = record.text(c).trim();
    const index = classIndex.get(label);
    if (index === undefined) {
      const why = label === '' ? 'is empty' : `"${label}" is not one of the model's classes (${plan.classes.join(', ')})`;
      throw new FormatError(`${plan.file} line ${record.line}, column "${name}": the class ${why}`);
    }
    return index;
  }
  const v = record.number(c);
  if (!storable(v)) throw notANumber(plan.file, record, name, c);
  const s = plan.targetScaling;
  return s ? (Math.fround(v) - s.mean[0]) / s.std[0] : v;
}

function notANumber(file: string, record: CsvRecord, name: string, c: number): FormatError {
  return cellError(`${file} line ${record.line}, column "${name}"`, record.text(c).trim());
}

function columnIndex(file: string, columns: readonly string[], name: string, role: string): number {
  const c = columns.indexOf(name);
  if (c < 0) throw new FormatError(`${file} line 1: no ${role} column "${name}" in the header (columns: ${columns.join(', ')})`);
  return c;
}

/** Mean and population variance per column, updated a row at a time (Welford), in double precision. */
class RunningMoments {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(width: number) {
    this.mean = new Float64Array(width);
    this.m2 = new Float64Array(width);
  }

  add(row: ArrayLike<number>): void {
    this.n++;
    for (let j = 0; j < this.mean.length; j++) {
      const delta = row[j] - this.mean[j];
      this.mean[j] += delta / this.n;
      this.m2[j] += delta * (row[j] - this.mean[j]);
    }
  }

  /** As fitScaling: a constant column gets std 1. */
  scaling(): Scaling {
    const n = Math.max(this.n, 1);
    return { mean: Array.from(this.mean), std: Array.from(this.m2, (m) => (m / n > 1e-12 ? Math.sqrt(m / n) : 1)) };
  }
}
