// The options of the MLP class's own calls (step, evaluate, toJSON, toOnnx, the loaders), their
// keys (an unknown or misspelt key is an error naming the nearest), and their checks.
import type { Backend, DType, FloatArray } from '../model/options.js';
import { DTYPES } from '../model/options.js';
import { ValueError, describe } from '../core/errors.js';
import { checkBoolean, checkChoice, checkNumber, checkOptions, keysOf } from '../core/validate.js';
import type { ThreadsOption } from '../threads/support.js';
import type { SampleWeightOptions } from '../training/sample-weights.js';
import type { Metric } from '../training/metrics.js';
import { FIT_KEYS } from '../training/fit.js';
import type { OnnxOptions } from '../io/onnx.js';
import type { SafetensorsArchitecture } from '../io/safetensors.js';

/** Options of a single training step. */
export interface StepOptions extends SampleWeightOptions {
  /** The optimizer's learning rate for this step only. Default: the optimizer's own (0.01 for the default SGD). */
  learningRate?: number;
}

/** One batch-norm layer's running statistics (`getRunningStatistics`). */
export interface RunningStatistics {
  /** Index of the dense layer whose output it normalizes. */
  layer: number;
  /** nn.BatchNorm1d's running_mean and running_var, one per unit. */
  runningMean: FloatArray;
  runningVar: FloatArray;
  /** nn.BatchNorm1d's num_batches_tracked: training steps that updated them. */
  batchesTracked: number;
}

/** Options of `toJSON`. */
export interface ToJSONOptions {
  /** Include the optimizer state and fit's counters. Default false. */
  training?: boolean;
}

/** Options of `evaluate`. */
export interface EvaluateOptions<M extends readonly Metric[] = readonly Metric[]> extends SampleWeightOptions {
  /** Metrics to compute besides the loss: 'accuracy', 'mae', 'mse'. Default none. The result's `metrics` has exactly these. */
  metrics?: M;
}

/** Options of `MLP.fromJSON`, `MLP.load` and `MLP.fromSafetensors`. */
export interface LoadOptions {
  /**
   * Where the loaded network computes ('auto' as in `MLP.create`). Default: the saved backend for
   * `load` and `fromJSON` (JSON without one, or a network saved on 'webgpu': 'wasm'), 'wasm' for `fromSafetensors`.
   */
  backend?: Backend | 'auto';
  /** As in `MLP.create`. Default 1. */
  threads?: ThreadsOption;
  /** As in `MLP.create`, for backend 'webgpu' or 'auto'. */
  gpu?: object;
}

export const STEP_KEYS = keysOf<StepOptions>({ learningRate: true, sampleWeight: true });
export const EVALUATE_KEYS = keysOf<EvaluateOptions>({ metrics: true, sampleWeight: true });
export const LOAD_KEYS = keysOf<LoadOptions>({ backend: true, threads: true, gpu: true });
export const SAFETENSORS_KEYS = [...LOAD_KEYS, ...keysOf<SafetensorsArchitecture>({ activations: true, loss: true })];
export const FIT_ASYNC_KEYS = [...FIT_KEYS, 'worker'];
const ONNX_KEYS = keysOf<OnnxOptions>({ dtype: true, name: true, quantize: true });
const TO_JSON_KEYS = keysOf<ToJSONOptions>({ training: true });

/** Hoisted so that checking a step's options allocates nothing. */
const NON_NEGATIVE = { min: 0 } as const;

/** A step's own learning rate, or undefined for the optimizer's. */
export function readLearningRate(fn: string, options: StepOptions | undefined): number | undefined {
  const o = checkOptions(fn, 'options', options, true, STEP_KEYS) as StepOptions;
  return o.learningRate === undefined ? undefined : checkNumber(fn, 'options.learningRate', o.learningRate, NON_NEGATIVE);
}

/** Whether `toJSON` writes the training state. JSON.stringify(net) calls toJSON with a property name: only an options object counts. */
export function readToJSONTraining(options: unknown): boolean {
  const o = typeof options === 'object' && options !== null ? checkOptions('toJSON', 'options', options, false, TO_JSON_KEYS) as ToJSONOptions : {};
  return o.training !== undefined && checkBoolean('toJSON', 'options.training', o.training);
}

/** `toOnnx`'s options, checked: keys too, since a misspelt `quantize` would otherwise export the float32 graph without a word. */
export function checkOnnxOptions(options: OnnxOptions | undefined): { dtype: DType | undefined; name: string | undefined; quantize: 'int8' | undefined } {
  const o = checkOptions('toOnnx', 'options', options, true, ONNX_KEYS) as OnnxOptions;
  const dtype = o.dtype === undefined ? undefined : checkChoice('toOnnx', 'options.dtype', o.dtype, DTYPES);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new ValueError(`toOnnx: options.name must be a non-empty string, got ${describe(o.name)}`);
  const quantize = o.quantize === undefined ? undefined : checkChoice('toOnnx', 'options.quantize', o.quantize, ['int8'] as const);
  if (quantize && dtype === 'float64') throw new ValueError("toOnnx: options.quantize 'int8' exports a float32 graph (the int8 model computes in float32); leave options.dtype out or pass 'float32'");
  return { dtype, name: o.name, quantize };
}
