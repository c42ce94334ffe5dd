// The inference-only entry, `wasm-mlp/inference`: load a trained network and predict, with the
// forward-only kernel builds and none of the training code. Every export by name.
export { Predictor } from './predictor.js';
export type { PredictorOptions } from './predictor.js';
export type { QuantizationInfo } from '../quantize/load.js';
export type { Int8Kernel } from '../quantize/int8-engine.js';
export type { WeightFormat, ActivationFormat, Quantization } from '../quantize/model.js';
export { setInferenceWasmSource } from '../wasm/inference-loader.js';
export { setKernelVariant, kernelVariant, supportedKernelVariants } from '../wasm/variants.js';
export type { WasmSource, KernelVariant } from '../wasm/variants.js';
export { WasmMlpError, ShapeError, ValueError, FormatError, DisposedError } from '../core/errors.js';
export type { Architecture, Activation, Loss, DType, FloatArray } from '../model/options.js';
export type { Matrix } from '../model/data.js';
export type { InputStage, InputColumn } from '../preprocessing/stage.js';
export type { RawRows, RawRow } from '../preprocessing/rows.js';
export type { ClassLabel } from '../model/predict-classes.js';
