// The train command's feature preparation as the network's own input stage: numeric columns
// standardised, categorical columns (--categorical) one-hot encoded. The model file's checkpoint
// holds the network with that stage and its class names, so `MLP.load`, `Predictor.load`, the
// exported module's `predict` and the ONNX export all take raw rows.
import { adaptInput } from '../preprocessing/adapt.js';
import { encodeRows } from '../preprocessing/encode.js';
import { isCategorical, type ColumnSpec, type InputStage } from '../preprocessing/stage.js';
import type { RawRow } from '../preprocessing/rows.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import { checkCreateOptions } from '../model/create-options.js';
import type { MLP } from '../api/mlp.js';
import { UsageError } from './args.js';
import type { CsvTable } from './csv.js';
import { numberCell, type Scaling } from './table.js';

/** `--categorical auto|a,b`: 'auto' (a column with any non-numeric cell is categorical), the named columns, or none. */
export type CategoricalOption = 'auto' | string[] | null;

export function categoricalOption(raw: string | undefined, features: readonly string[] | null, target: string): CategoricalOption {
  if (raw === undefined) return null;
  if (raw === 'auto') return 'auto';
  const names = raw.split(',').map((c) => c.trim());
  const repeated = names.find((c, i) => names.indexOf(c) !== i);
  if (names.some((c) => c === '')) throw new UsageError(`--categorical takes auto or column names separated by commas, got "${raw}"`);
  if (repeated !== undefined) throw new UsageError(`--categorical names "${repeated}" twice`);
  if (names.includes(target)) throw new UsageError(`--categorical must not include the target "${target}" (a text target is classification already)`);
  const outside = features && names.find((c) => !features.includes(c));
  if (outside) throw new UsageError(`--categorical names "${outside}", which is not among --features (${features!.join(', ')})`);
  return names;
}

/** Which features are categorical: those named, or with 'auto' those with a cell that is not a number. */
export function categoricalFeatures(table: CsvTable, features: readonly string[], option: CategoricalOption): Set<string> {
  if (option === null) return new Set();
  if (option !== 'auto') {
    const missing = option.find((c) => !table.columns.includes(c));
    if (missing) throw new UsageError(`--categorical names "${missing}", which is not a column of ${table.file} (columns: ${table.columns.join(', ')})`);
    return new Set(option);
  }
  return new Set(features.filter((name) => {
    const c = table.columns.indexOf(name);
    return table.rows.some((row) => {
      const cell = row[c].trim();
      return cell !== '' && !Number.isFinite(Number(cell));
    });
  }));
}

/** The feature cells of each row: numbers (checked) for numeric features, trimmed text for categorical ones. */
export function rawFeatureRows(table: CsvTable, features: readonly string[], categorical: ReadonlySet<string>): RawRow[] {
  const columns = features.map((name) => table.columns.indexOf(name));
  return table.rows.map((row, i) => columns.map((c, j) => (categorical.has(features[j]) ? row[c].trim() : numberCell(table, i, c))));
}

/**
 * The stage fitted on the training rows: numeric features standardised (population std, std 1
 * for a constant column), categorical ones one-hot with unknown categories as all zeros, so a
 * new category in a file to predict does not stop the run.
 */
export function fitFeatureStage(rows: readonly RawRow[], features: readonly string[], categorical: ReadonlySet<string>): InputStage {
  const columns: ColumnSpec[] = features.map((name) => (categorical.has(name) ? { name, type: 'one-hot', handleUnknown: 'ignore' } : { name, type: 'standardize' }));
  return adaptInput(rows, { columns });
}

/** A stage of standardised numeric features from the CLI's own scaling (streamed training's). */
export function scalingStage(features: readonly string[], scaling: Scaling): InputStage {
  return adaptInput([features.map(() => 0)], { columns: features.map((name, j) => ({ name, type: 'standardize', mean: scaling.mean[j], std: scaling.std[j] })) });
}

/** Raw rows through the stage, as the float32 matrix the CLI trains on. */
export function encodeFeatureRows(stage: InputStage, rows: readonly RawRow[]): Float32Array {
  return Float32Array.from(encodeRows('train', 'rows', stage, rows));
}

/** True when the stage has a categorical column (its rows cannot be a numeric matrix). */
export function hasCategorical(stage: InputStage | null): boolean {
  return stage !== null && stage.columns.some((c) => isCategorical(c.type));
}

/** `net.save()` of the trained network with the stage and class names made part of it. */
export function checkpointWithStage(net: MLP, stage: InputStage, classes: readonly string[] | null): Uint8Array {
  const c = readCheckpoint('train', net.save());
  const { architecture } = checkCreateOptions('train', { ...c.architecture, input: stage, ...(classes && { classNames: classes }) });
  return writeCheckpoint({ ...c, architecture });
}
