// What `wasm-mlp train` was asked for, and the network it builds, shared by training in memory
// and training from a streamed file.
import { MLP } from '../mlp.js';
import { batchesUseThreads } from '../threads/support.js';
import type { Activation, Normalization } from '../options.js';
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
  optimizer: 'adam' | 'adamw' | 'sgd' | 'rmsprop' | 'adagrad';
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
  loss: 'mse' | 'l1' | 'huber' | 'smooth-l1' | null;
  /** Rows in the shuffle buffer when the file is streamed. */
  shuffleBuffer: number;
}

/** A file larger than this is streamed: read into memory, a table of strings takes ~16 bytes of memory per byte of CSV. */
export const STREAM_ABOVE_BYTES = 32 * 2 ** 20;
/** Rows held for shuffling when streaming and no --shuffle-buffer is given. */
export const DEFAULT_SHUFFLE_BUFFER = 10000;

/**
 * The network the settings describe, for `inputs` features and `classes` (null: regression),
 * and a note on the threads it may train on ("up to 2 threads").
 */
export async function createNetwork(s: TrainSettings, inputs: number, classes: readonly string[] | null): Promise<{ net: MLP; threadsNote: string }> {
  if (classes && s.loss !== null) throw new UsageError(`--loss ${s.loss} is for regression; "${s.target}" is a classification target (softmax + cross-entropy)`);
  const layers = [inputs, ...s.hidden, classes ? classes.length : 1];
  const threads = trainingThreads(s.threads, s.batchSize, layers);
  const net = await MLP.create({
    layers,
    activations: [...s.hidden.map(() => s.activation), classes ? 'softmax' : 'linear'],
    loss: classes ? 'cross-entropy' : s.loss ?? 'mse',
    seed: s.seed, dtype: s.dtype, threads, ...(s.hidden.length && s.dropout > 0 ? { dropout: s.dropout } : {}),
    ...(s.normalization.some((n) => n !== null) && { normalization: s.normalization }),
  });
  const { optimizer: type, learningRate, momentum } = s;
  net.setOptimizer(type === 'sgd' || type === 'rmsprop' ? { type, learningRate, momentum } : { type, learningRate });
  const reason = threads === s.threads ? net.threadsFallbackReason : `batches of ${s.batchSize} rows are too small to gain from more`;
  return { net, threadsNote: `up to ${net.threads} thread${net.threads === 1 ? '' : 's'}${reason ? ` (${reason})` : ''}` };
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

