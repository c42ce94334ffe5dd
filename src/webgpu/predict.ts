// predictAsync on the WebGPU backend: the rows are checked and converted as `predict` checks them
// (staged into the mirror engine's input buffer, which scans for non-finite values), then the
// forward pass runs on the GPU and its outputs come back in the input's form.

import { countRows, type Matrix } from '../model/data.js';
import type { FloatArray } from '../model/options.js';
import { checkBatchFits } from '../model/limits.js';
import { shapeOutputs } from '../engine/predict.js';
import { stageRows } from '../engine/staging.js';
import type { WebGpuEngine } from './contract.js';

/** Rows checked per staging pass: bounds the CPU copy of the input. */
const STAGE_ROWS = 4096;

/**
 * The network's outputs for each row of X, computed on the GPU.
 * @throws {ShapeError} or {ValueError} as `predict` throws them; {WebGpuDeviceLostError} for a lost device.
 */
export async function predictOnWebGpu(fn: string, engine: WebGpuEngine, X: Matrix): Promise<number[][] | FloatArray> {
  const { inputSize, outputSize } = engine.layout;
  const rows = countRows(fn, 'X', X, inputSize, "the network's input size");
  const x = new Float32Array(rows * inputSize);
  for (let start = 0; start < rows; start += STAGE_ROWS) {
    const n = Math.min(STAGE_ROWS, rows - start);
    checkBatchFits(fn, engine.layout, 'float32', n);
    engine.reserve(n);
    stageRows(fn, 'X', engine, X, start, n);
    x.set(engine.inputBuffer(n), start * inputSize);
  }
  return shapeOutputs(X, await engine.webgpu.forward(fn, x, rows), rows, outputSize);
}
