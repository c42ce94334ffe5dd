// Stratified validationSplit (`fit(X, Y, { validationSplit, stratify: true })`, scikit-learn's
// train_test_split(stratify=y)): each class is held out in proportion to its share of the rows,
// so a small or sorted data set validates on every class. The selection is pseudo-random but
// fixed for given targets, as validationShuffle's is, so every fit call and a resumed run
// validate on the same rows.
import { ShapeError, ValueError } from '../core/errors.js';
import type { Architecture } from '../model/options.js';
import { Random } from '../core/random.js';
import { trainingRows, type Dataset } from './fit.js';

/** Seed of the per-class selection: a constant, so the split depends on the targets only. */
const STRATIFY_SEED = 0x5eed_c1a5;

/** Throws unless `stratify` can apply: with validationSplit, on a classifier (softmax, or one sigmoid output). */
export function checkStratify(fn: string, stratify: unknown, validationSplit: number | undefined, validationShuffle: boolean, arch: Architecture): boolean {
  if (stratify === undefined || stratify === false) return false;
  if (stratify !== true) throw new ValueError(`${fn}: options.stratify must be true or false, got ${typeof stratify === 'string' ? JSON.stringify(stratify) : String(stratify)}`);
  if (!(validationSplit! > 0)) throw new ValueError(`${fn}: options.stratify applies to options.validationSplit, which is not set (e.g. { validationSplit: 0.2, stratify: true })`);
  if (validationShuffle) throw new ValueError(`${fn}: give options.stratify or options.validationShuffle, not both (a stratified split is already a pseudo-random selection)`);
  const output = arch.activations[arch.activations.length - 1];
  const outputs = arch.layers[arch.layers.length - 1]!;
  if (output !== 'softmax' && !(output === 'sigmoid' && outputs === 1)) {
    throw new ValueError(`${fn}: options.stratify needs a classifier (a softmax output, or one sigmoid output); this network's output is ${outputs} × '${output}'`);
  }
  return true;
}

/** Each row's class: the largest target (one-hot or soft labels), or target ≥ 0.5 for one output. */
function classesOf(data: Dataset): { classOf: Int32Array; classes: number } {
  const width = data.y.length / data.rows;
  const classOf = new Int32Array(data.rows);
  for (let r = 0; r < data.rows; r++) {
    if (width === 1) { classOf[r] = data.y[r]! >= 0.5 ? 1 : 0; continue; }
    let best = 0;
    for (let c = 1; c < width; c++) if (data.y[r * width + c]! > data.y[r * width + best]!) best = c;
    classOf[r] = best;
  }
  return { classOf, classes: Math.max(width, 2) };
}

/**
 * Holds out as many rows as the plain split would (rows − ⌊rows·(1 − fraction)⌋), shared among
 * the classes in proportion to their counts (largest remainder), chosen at random within each
 * class. Both parts keep the rows' original order.
 */
export function stratifiedSplit(fn: string, data: Dataset, fraction: number): { train: Dataset; validation: Dataset } {
  const trainRows = trainingRows(data.rows, fraction);
  const held = data.rows - trainRows;
  if (trainRows < 1 || held < 1) {
    throw new ShapeError(`${fn}: options.validationSplit ${fraction} of ${data.rows} samples leaves ${trainRows} to train on and ${held} to validate; both need at least one`);
  }
  const { classOf, classes } = classesOf(data);
  const members: number[][] = Array.from({ length: classes }, () => []);
  classOf.forEach((c, row) => members[c]!.push(row));
  // Largest remainder: floor of each class's exact share, then one more to the largest fractions.
  const exact = members.map((rows) => (rows.length * held) / data.rows);
  const quota = exact.map(Math.floor);
  const byRemainder = exact.map((e, c) => c).sort((a, b) => (exact[b]! - quota[b]!) - (exact[a]! - quota[a]!) || a - b);
  for (let k = 0, left = held - quota.reduce((s, q) => s + q, 0); k < left; k++) quota[byRemainder[k]!]!++;
  const random = new Random(STRATIFY_SEED);
  const heldOut = new Uint8Array(data.rows);
  members.forEach((rows, c) => {
    const order = Int32Array.from(rows);
    random.shuffle(order);
    for (let k = 0; k < quota[c]!; k++) heldOut[order[k]!] = 1;
  });
  return { train: takeRows(data, heldOut, 0), validation: takeRows(data, heldOut, 1) };
}

/** The rows whose mark is `mark`, copied, in order. */
function takeRows(data: Dataset, marks: Uint8Array, mark: number): Dataset {
  const xWidth = data.x.length / data.rows;
  const yWidth = data.y.length / data.rows;
  const rows = marks.reduce((n, m) => n + (m === mark ? 1 : 0), 0);
  const x = new (data.x.constructor as Float64ArrayConstructor)(rows * xWidth);
  const y = new (data.y.constructor as Float64ArrayConstructor)(rows * yWidth);
  const w = data.w ? new (data.w.constructor as Float64ArrayConstructor)(rows) : null;
  let i = 0;
  for (let r = 0; r < data.rows; r++) {
    if (marks[r] !== mark) continue;
    x.set(data.x.subarray(r * xWidth, (r + 1) * xWidth), i * xWidth);
    y.set(data.y.subarray(r * yWidth, (r + 1) * yWidth), i * yWidth);
    if (w) w[i] = data.w![r]!;
    i++;
  }
  return { x, y, rows, w };
}
