// The inference-only entry, `wasm-mlp/inference`: load a trained network and predict, with the
// forward-only kernel builds and none of the training code. Every export by name.
export { Predictor } from './predictor.js';
export type { PredictorOptions } from './predictor.js';
export { setInferenceWasmSource } from './loader.js';
export { setKernelVariant, kernelVariant, supportedKernelVariants } from '../wasm/variants.js';
export type { WasmSource, KernelVariant } from '../wasm/variants.js';
export { WasmMlpError, ShapeError, ValueError, FormatError, DisposedError } from '../errors.js';
export type { Architecture, Activation, Loss, DType, FloatArray } from '../options.js';
export type { Matrix } from '../data.js';
export type { ClassLabel } from '../predict-classes.js';
