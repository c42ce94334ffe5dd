import { ValueError } from '../core/errors.js';
import type { DType } from './options.js';
import type { ParameterLayout } from './layout.js';

/**
 * A wasm32 network lives in one linear memory of at most 4 GiB (65536 pages of 64 KiB). The
 * js backend enforces the same budget, so a program that runs on one backend runs on the
 * other, and every request is refused here, before anything is allocated.
 */
export const MAX_NETWORK_BYTES = 65536 * 65536;

/** Bytes the network itself holds: θ and ∇θ, plus its descriptor and alignment slack. */
export function networkBytes(layout: ParameterLayout, dtype: DType): number {
  return 2 * layout.parameterCount * floatBytes(dtype) + 64 * (layout.layers.length + 2) + 65536;
}

/** Bytes of the batch buffers for `rows` samples: input, target, and each layer's z and a. */
export function batchBytes(layout: ParameterLayout, dtype: DType, rows: number): number {
  // A loop, not reduce: predict checks this on every call and must allocate nothing.
  let activations = 0;
  for (const l of layout.layers) activations += l.outputs;
  const perRow = layout.inputSize + layout.outputSize + 2 * activations;
  return rows * perRow * floatBytes(dtype);
}

/** Bytes of a dataset copied in for `fit`: inputs, targets and the sample order. */
export function datasetBytes(layout: ParameterLayout, dtype: DType, rows: number): number {
  return rows * ((layout.inputSize + layout.outputSize) * floatBytes(dtype) + 4);
}

/**
 * Largest network `toJSON` and `toFunction` export. Their output is text (an array of numbers
 * printed in JSON, a base64 string in a module), and JavaScript engines cap a string at about
 * 2^29 characters (V8) to 2^30 (SpiderMonkey): 2^24 parameters stay well within it as JSON
 * (~24 characters a number). `save()` and `toSafetensors()` are binary and have no such cap.
 */
export const MAX_TEXT_EXPORT_PARAMETERS = 2 ** 24;

/** Throws, before anything is allocated, unless the network is small enough to export as text. */
export function checkTextExport(fn: string, parameterCount: number): void {
  if (parameterCount > MAX_TEXT_EXPORT_PARAMETERS) {
    throw new ValueError(`${fn}: this network has ${parameterCount} parameters, more than the ${MAX_TEXT_EXPORT_PARAMETERS} (2^24) ${fn} exports as text (beyond that the text nears the length JavaScript allows a string); use save() or toSafetensors(), which are binary`);
  }
}

/** Throws unless the network's parameters and gradients fit. */
export function checkNetworkFits(fn: string, layers: readonly number[], layout: ParameterLayout, dtype: DType): void {
  const bytes = networkBytes(layout, dtype);
  if (bytes > MAX_NETWORK_BYTES) {
    throw new ValueError(`${fn}: layers [${layers.join(', ')}] have ${layout.parameterCount} parameters, which with their gradients need ${formatBytes(bytes)} as ${dtype}, more than the ${formatBytes(MAX_NETWORK_BYTES)} of WebAssembly memory a network can use`);
  }
}

/** Throws unless a batch of `rows` samples fits beside the network; says how many would. */
export function checkBatchFits(fn: string, layout: ParameterLayout, dtype: DType, rows: number): void {
  const fixed = networkBytes(layout, dtype);
  const bytes = fixed + batchBytes(layout, dtype, rows);
  if (bytes > MAX_NETWORK_BYTES) {
    const fits = Math.floor((MAX_NETWORK_BYTES - fixed) / batchBytes(layout, dtype, 1));
    throw new ValueError(`${fn}: a batch of ${rows} rows needs ${formatBytes(bytes)} with the network, more than the ${formatBytes(MAX_NETWORK_BYTES)} of WebAssembly memory a network can use; at most ${fits} rows fit, so split the batch`);
  }
}

/** Throws unless a data set of `rows` samples (copied in whole, as `fit` and `evaluate` do), its batches and the network fit together. */
export function checkDatasetFits(fn: string, layout: ParameterLayout, dtype: DType, rows: number, batchSize: number, noun = 'training set'): void {
  const fixed = networkBytes(layout, dtype) + batchBytes(layout, dtype, Math.min(rows, batchSize));
  const bytes = fixed + datasetBytes(layout, dtype, rows);
  if (bytes > MAX_NETWORK_BYTES) {
    const fits = Math.floor((MAX_NETWORK_BYTES - fixed) / datasetBytes(layout, dtype, 1));
    throw new ValueError(`${fn}: a ${noun} of ${rows} samples needs ${formatBytes(bytes)} with the network and its batches, more than the ${formatBytes(MAX_NETWORK_BYTES)} of WebAssembly memory a network can use; at most ${Math.max(0, fits)} samples fit`);
  }
}

export function floatBytes(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** "4 GiB", "4.5 GiB", "300 B". */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [size, unit] of units) if (bytes >= size) return `${(bytes / size).toFixed(1).replace(/\.0$/, '')} ${unit}`;
  return `${bytes} B`;
}
