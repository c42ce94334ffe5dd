/// <reference types="@webgpu/types" />
// backend 'auto': WebGPU only where it measured faster. On first use for a network shape on an
// adapter, a short calibration times training steps of a throwaway copy of the network on the GPU
// and on the wasm build (same batch: fit's default 32 rows); the answer is cached per adapter and
// shape, and the network records why it is not on the GPU (`backendFallbackReason`).

import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import type { ThreadsOption } from '../threads/support.js';
import { createThreadedEngine } from '../wasm/shared-engine.js';
import { DEFAULT_OPTIMIZER } from '../registry/optimizers.js';
import type { GpuContext } from './context.js';
import { requestGpuContext } from './device.js';
import { GpuDenseTrainer } from './dense-trainer.js';
import { createWebGpuEngine } from './engine.js';
import { denseSpec, unsupportedOnWebGpu } from './support.js';

/** The batch the calibration trains on: fit's default batch size. */
const CALIBRATION_ROWS = 32;
/** Steps timed on each side, after one untimed step (the GPU compiles its shaders there). */
const CALIBRATION_STEPS = 3;

/** A calibration's result: samples/s on each side. */
interface Measured { gpu: number; wasm: number }

const calibrations = new Map<string, Promise<Measured>>();

/**
 * The engine `backend: 'auto'` gives: WebGPU when the calibration measured it faster than wasm
 * for this shape on this adapter, else wasm with `backendFallbackReason` saying why.
 * @throws Only what creating a wasm engine throws: every WebGPU failure falls back to wasm.
 */
export async function createAutoEngine(fn: string, architecture: Architecture, threads: ThreadsOption, gpu: unknown): Promise<Engine> {
  const fallback = async (reason: string) => {
    const engine = await createThreadedEngine(architecture, threads);
    Object.defineProperty(engine, 'backendFallbackReason', { value: reason, enumerable: true });
    return engine;
  };
  const missing = unsupportedOnWebGpu(architecture);
  if (missing) return fallback(`${missing} has no WebGPU kernel`);
  let context: GpuContext;
  try {
    context = await requestGpuContext(fn, gpu);
  } catch (error) {
    return fallback((error as Error).message.replace(`${fn}: `, ''));
  }
  const adapter = [context.adapterInfo.vendor, context.adapterInfo.architecture, context.adapterInfo.description].filter(Boolean).join(' ');
  const key = `${adapter}|${architecture.layers.join('-')}|${architecture.activations.join(',')}|${architecture.loss}`;
  let measured = calibrations.get(key);
  if (!measured) {
    measured = calibrate(context, architecture);
    calibrations.set(key, measured);
  }
  let result: Measured;
  try {
    result = await measured;
  } catch (error) {
    calibrations.delete(key);
    return fallback(`the WebGPU calibration failed on adapter '${adapter}': ${(error as Error).message}`);
  }
  const figures = `${Math.round(result.gpu)} samples/s on WebGPU (adapter '${adapter}') against ${Math.round(result.wasm)} on wasm, batches of ${CALIBRATION_ROWS}`;
  if (result.gpu <= result.wasm) return fallback(`calibration measured ${figures}`);
  const engine = await createWebGpuEngine(fn, architecture, threads, gpu);
  Object.defineProperty(engine, 'backendFallbackReason', { value: null, enumerable: true });
  return engine;
}

/** Samples/s of a few training steps of a throwaway network of this shape, on the GPU and on one wasm thread. */
async function calibrate(context: GpuContext, architecture: Architecture): Promise<Measured> {
  const wasm = await createThreadedEngine(architecture, 1);
  try {
    wasm.reserve(CALIBRATION_ROWS);
    const x = wasm.inputBuffer(CALIBRATION_ROWS);
    const y = wasm.targetBuffer(CALIBRATION_ROWS);
    // Any finite values train; the weights start small so nothing overflows in a few steps.
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 200) / 100 - 1;
    const outputs = wasm.layout.outputSize;
    for (let i = 0; i < y.length; i++) y[i] = i % outputs === Math.floor(i / outputs) % outputs ? 1 : 0;
    const theta = wasm.parameters();
    for (let i = 0; i < theta.length; i++) theta[i] = (((i * 104729) % 2000) / 1000 - 1) * 0.05;
    const layers = wasm.layout.layers;
    const parameters = {
      weights: layers.map((l) => Float32Array.from(theta.subarray(l.weightOffset, l.weightOffset + l.inputs * l.outputs))),
      biases: layers.map((l) => Float32Array.from(theta.subarray(l.biasOffset, l.biasOffset + l.outputs))),
    };
    const trainer = GpuDenseTrainer.create(context, denseSpec(architecture, DEFAULT_OPTIMIZER), parameters, CALIBRATION_ROWS);
    const gx = context.storage(Float32Array.from(x));
    const gy = context.storage(Float32Array.from(y));
    try {
      trainer.train(gx, gy, CALIBRATION_ROWS, 0.01, 1);
      await trainer.parameters();
      let started = performance.now();
      trainer.train(gx, gy, CALIBRATION_ROWS, 0.01, CALIBRATION_STEPS);
      await trainer.parameters(); // the read-back waits for the steps, as fitAsync's does
      const gpu = (CALIBRATION_ROWS * CALIBRATION_STEPS) / ((performance.now() - started) / 1000);
      wasm.step(CALIBRATION_ROWS, 0.01);
      started = performance.now();
      for (let s = 0; s < CALIBRATION_STEPS; s++) wasm.step(CALIBRATION_ROWS, 0.01);
      const cpu = (CALIBRATION_ROWS * CALIBRATION_STEPS) / ((performance.now() - started) / 1000);
      return { gpu, wasm: cpu };
    } finally {
      trainer.destroy();
      gx.destroy();
      gy.destroy();
    }
  } finally {
    wasm.dispose();
  }
}
