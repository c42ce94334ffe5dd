// What `wasm-mlp train` was asked for, and the network it builds, shared by training in memory
// and training from a streamed file.
import { MLP } from '../api/mlp.js';
import { batchesUseThreads } from '../threads/support.js';
import type { Activation, Loss, LossOptions, Normalization } from '../model/options.js';
import { optimizerOptionNames, type OptimizerOptions, type OptimizerType } from '../registry/optimizers.js';
import { EarlyStopping } from '../training/early-stopping.js';
import type { Task } from './table.js';
import { UsageError } from './args.js';

/** The train command's options, checked. */
export interface TrainSettings {
  file: string;
  target: string;
  /** --features, or null for every column but the target. */
  features: string[] | null;
  hidden: number[];
  activation: Exclude<Activation, 'softmax'>;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerType;
  learningRate: number;
  momentum: number;
  validationFile: string | undefined;
  validationSplit: number;
  seed: number;
  dtype: 'float32' | 'float64';
  threads: number | 'auto';
  dropout: number;
  /** One per hidden layer (null: none). */
  normalization: (Normalization | null)[];
  schedule: ((epoch: number) => number) | undefined;
  patience: number | null;
  outPath: string;
  taskOption: Task | 'auto';
  /** --loss for a regression target, or null when not given (mse). */
  loss: Loss | null;
  /** Rows in the shuffle buffer when the file is streamed. */
  shuffleBuffer: number;
  /** --class-weights: 'balanced', one weight per class, or null (none). */
  classWeights: 'balanced' | number[] | null;
  /** --label-smoothing ε (0: none). */
  labelSmoothing: number;
}

/** A file larger than this is streamed: read into memory, a table of strings takes ~16 bytes of memory per byte of CSV. */
export const STREAM_ABOVE_BYTES = 32 * 2 ** 20;
/** Rows held for shuffling when streaming and no --shuffle-buffer is given. */
export const DEFAULT_SHUFFLE_BUFFER = 10000;

/**
 * The network the settings describe, for `inputs` features and `classes` (null: regression),
 * and a note on the threads it may train on ("up to 2 threads"). `labels` are the training
 * rows' class indices, for --class-weights balanced (null when they are not in memory).
 */
export async function createNetwork(s: TrainSettings, inputs: number, classes: readonly string[] | null, labels: Int32Array | null = null): Promise<{ net: MLP; threadsNote: string }> {
  if (classes && s.loss !== null) throw new UsageError(`--loss ${s.loss} is for regression; "${s.target}" is a classification target (softmax + cross-entropy)`);
  const lossOptions = classes ? classificationLossOptions(s, classes, labels) : regressionOnly(s);
  const layers = [inputs, ...s.hidden, classes ? classes.length : 1];
  const threads = trainingThreads(s.threads, s.batchSize, layers);
  const net = await MLP.create({
    layers,
    activations: [...s.hidden.map(() => s.activation), classes ? 'softmax' : 'linear'],
    loss: classes ? 'cross-entropy' : s.loss ?? 'mse',
    ...(lossOptions && { lossOptions }),
    seed: s.seed, dtype: s.dtype, threads, ...(s.hidden.length && s.dropout > 0 ? { dropout: s.dropout } : {}),
    ...(s.normalization.some((n) => n !== null) && { normalization: s.normalization }),
  });
  const { optimizer: type, learningRate, momentum } = s;
  net.setOptimizer({ type, learningRate, ...(optimizerOptionNames(type).includes('momentum') && { momentum }) } as OptimizerOptions);
  const reason = threads === s.threads ? net.threadsFallbackReason : `batches of ${s.batchSize} rows are too small to gain from more`;
  return { net, threadsNote: `up to ${net.threads} thread${net.threads === 1 ? '' : 's'}${reason ? ` (${reason})` : ''}` };
}

/** --class-weights and --label-smoothing as cross-entropy's lossOptions (undefined: neither). */
function classificationLossOptions(s: TrainSettings, classes: readonly string[], labels: Int32Array | null): LossOptions | undefined {
  let classWeights: number[] | undefined;
  if (s.classWeights === 'balanced') {
    if (labels === null) throw new UsageError('--class-weights balanced counts the classes of the training rows, which a streamed file does not hold in memory; give one weight per class instead (--class-weights 1,2,…)');
    classWeights = balancedClassWeights(labels, classes);
  } else if (s.classWeights !== null) {
    if (s.classWeights.length !== classes.length) {
      throw new UsageError(`--class-weights must have ${classes.length} weights, one per class (${classes.join(', ')}, in that order), got ${s.classWeights.length}`);
    }
    classWeights = s.classWeights;
  }
  const options: LossOptions = { ...(classWeights && { classWeights }), ...(s.labelSmoothing > 0 && { labelSmoothing: s.labelSmoothing }) };
  return Object.keys(options).length > 0 ? options : undefined;
}

/** scikit-learn's class_weight='balanced': rows / (classes × rows of class c); a class without rows is refused. */
export function balancedClassWeights(labels: Int32Array, classes: readonly string[]): number[] {
  const counts = new Array<number>(classes.length).fill(0);
  for (const label of labels) counts[label]++;
  const empty = counts.findIndex((n) => n === 0);
  if (empty >= 0) throw new UsageError(`--class-weights balanced: class "${classes[empty]}" has no training rows, so its weight would be infinite; give one weight per class instead (--class-weights 1,2,…)`);
  return counts.map((n) => labels.length / (classes.length * n));
}

/** A regression target takes neither classification option. */
function regressionOnly(s: TrainSettings): undefined {
  const given = s.classWeights !== null ? '--class-weights' : s.labelSmoothing > 0 ? '--label-smoothing' : null;
  if (given) throw new UsageError(`${given} is for classification; "${s.target}" is a regression target`);
  return undefined;
}

/** The output layer and loss, as the progress lines name them: 'softmax + cross-entropy', 'linear + huber'. */
export function headOf(net: MLP): string {
  const { activations, loss } = net.architecture;
  return `${activations[activations.length - 1]} + ${loss === 'mse' ? 'MSE' : loss}`;
}

/**
 * 'auto' starts worker threads only when a batch is worth more than one thread: on smaller
 * batches every step runs on one anyway, and starting the workers would cost more than it saves.
 */
function trainingThreads(request: number | 'auto', batchSize: number, layers: number[]): number | 'auto' {
  if (request !== 'auto') return request;
  const parameters = layers.slice(1).reduce((sum, units, l) => sum + (layers[l] + 1) * units, 0);
  return batchesUseThreads(batchSize, parameters) ? 'auto' : 1;
}

/** `--early-stopping N`: stop after N epochs without a lower loss, then put back the best epoch's parameters. */
export class EarlyStop {
  private readonly rule: EarlyStopping;
  private bestParameters: ArrayLike<number> | null = null;
  stopped = false;

  constructor(private readonly net: MLP, private readonly patience: number) {
    this.rule = new EarlyStopping({ monitor: 'loss', patience, minDelta: 0, restoreBest: true });
  }

  observe(epoch: number, loss: number): void {
    const { improved, stop } = this.rule.update(epoch, loss);
    if (improved) this.bestParameters = this.net.getParameters();
    if (stop && this.bestParameters) this.net.setParameters(this.bestParameters);
    this.stopped = stop;
  }

  summary(on: string): string {
    const kept = `epoch ${this.rule.bestEpoch + 1} (${on} loss ${this.rule.best.toFixed(4)})`;
    return this.stopped ? `early stopping: no lower ${on} loss for ${this.patience} epochs; kept ${kept}` : `early stopping: did not stop; the best was ${kept}`;
  }
}

