import type { MLP } from '../api/mlp.js';
import { applyScaling, undoScaling } from './table.js';
import { argmaxRows, confusionMatrix, formatConfusion } from './train-loop.js';
import type { ModelFile } from './model-file.js';
import type { RawRow } from '../preprocessing/rows.js';

/**
 * Outputs in the target's own units: class probabilities, or de-standardised numbers. A network
 * with an input stage takes the raw features (a matrix, or rows with text cells) itself; one
 * without is given them standardised, or (while training on encoded rows) as they are.
 */
export function predictRows(model: ModelFile, net: MLP, rawX: Float32Array | RawRow[]): Float32Array {
  const X = net.input || model.featureScaling === null ? rawX : applyScaling((rawX as Float32Array).slice(), model.featureScaling);
  const predicted = net.predict(X as Float32Array);
  const outputs = predicted instanceof Float32Array ? predicted : Float32Array.from((predicted as number[][]).flat());
  return model.targetScaling ? undoScaling(outputs, model.targetScaling) : outputs;
}

/**
 * A model's metrics summed over rows as they come (so a file of any size can be evaluated in
 * chunks): accuracy, cross-entropy and a confusion matrix; or MSE, RMSE, MAE and R², in the
 * target's units.
 */
export class MetricTotals {
  /** Rows added so far. */
  rows = 0;
  private correct = 0;
  private crossEntropy = 0;
  private readonly confusion: number[][] | null;
  private squared = 0;
  private absolute = 0;
  /** Σ(y − shift) and Σ(y − shift)² for R²'s variance; shifting by the first target keeps them small. */
  private shift = NaN;
  private sum = 0;
  private sumSquares = 0;

  constructor(private readonly model: ModelFile) {
    this.confusion = model.classes ? confusionMatrix([], [], model.classes.length) : null;
  }

  /** Adds rows: raw features, and targets as class indices or numbers. */
  add(net: MLP, rawX: Float32Array | RawRow[], Y: ArrayLike<number>, rows: number): void {
    const outputs = predictRows(this.model, net, rawX);
    this.rows += rows;
    if (this.model.classes) {
      const classes = this.model.classes.length;
      const predicted = argmaxRows(outputs, classes);
      for (let i = 0; i < rows; i++) {
        if (predicted[i] === Y[i]) this.correct++;
        this.confusion![Y[i]][predicted[i]]++;
        this.crossEntropy -= Math.log(Math.max(outputs[i * classes + Y[i]], 1e-12));
      }
      return;
    }
    if (Number.isNaN(this.shift) && rows > 0) this.shift = Y[0];
    for (let i = 0; i < rows; i++) {
      const error = outputs[i] - Y[i];
      this.squared += error * error;
      this.absolute += Math.abs(error);
      this.sum += Y[i] - this.shift;
      this.sumSquares += (Y[i] - this.shift) ** 2;
    }
  }

  /** The report, headed by `name` (training, validation, evaluation). */
  lines(name: string): string[] {
    const n = this.rows;
    if (this.model.classes) {
      return [
        `${name}: accuracy ${(100 * this.correct / n).toFixed(2)}% (${this.correct} of ${n}), cross-entropy ${(this.crossEntropy / n).toFixed(4)}`,
        ...formatConfusion(this.confusion!, this.model.classes).map((l) => '  ' + l),
      ];
    }
    const mse = this.squared / n;
    const variance = this.sumSquares / n - (this.sum / n) ** 2;
    // R² = 1 − MSE/variance is undefined where the target does not vary: say why instead of NaN.
    const r2 = variance > 0 ? (1 - mse / variance).toFixed(4)
      : `undefined (${n === 1 ? 'one row' : `the target is ${fmt(this.sum / n + this.shift)} in every row`}, so it has no variance to explain)`;
    return [`${name}: MSE ${fmt(mse)}, RMSE ${fmt(Math.sqrt(mse))}, MAE ${fmt(this.absolute / n)}, R² ${r2}`];
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(5)).toString();
}
