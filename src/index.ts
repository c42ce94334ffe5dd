// The public API of wasm-mlp, every export by name.
export { MLP } from './mlp.js';
export type { StepOptions, LoadOptions, EvaluateOptions, ToJSONOptions, RunningStatistics } from './mlp.js';
export type { FitOptions, FitHistory, EpochLogs, BatchLogs, StopReason, ValidationData } from './fit.js';
export type { Schedule, ScheduleSpec, StepSchedule, ExponentialSchedule, CosineSchedule, PlateauSchedule, WarmupSchedule } from './training/schedules.js';
export type { Metric, MetricValues } from './training/metrics.js';
export type { Evaluation } from './training/evaluate.js';
export type { EarlyStoppingOptions, Monitor } from './training/early-stopping.js';
export type {
  OptimizerType, OptimizerOptions, OptimizerConfig, OptimizerState, ClipOptions, SgdOptions, AdamOptions, RmspropOptions, AdagradOptions,
} from './optimizers.js';
export type { FitAsyncOptions } from './async/fit-async.js';
export type { Batch, BatchSource, BatchDataset, FitDatasetOptions } from './training/fit-dataset.js';
export type { Activation, Loss, LossOptions, Normalization, DType, Backend, Init, CreateOptions, Architecture, FloatArray } from './options.js';
export type { Matrix, Targets } from './data.js';
export type { ClassLabel } from './predict-classes.js';
export type { SampleWeights, SampleWeightOptions } from './training/sample-weights.js';
export type { Trace, SampleTrace, LayerTrace } from './trace.js';
export type { ModelJSON } from './serialize.js';
export type { TrainingJSON } from './io/training-json.js';
export type { SafetensorsArchitecture } from './io/safetensors.js';
export type { OnnxOptions } from './io/onnx.js';
export type { ParameterLayout, LayerLayout } from './layout.js';
export { WasmMlpError, ShapeError, ValueError, FormatError, DisposedError, DivergenceError, WorkerError } from './errors.js';
export type { Divergence } from './errors.js';
export type { ThreadsOption } from './threads/support.js';
export { setWasmSource, setKernelVariant, kernelVariant, supportedKernelVariants } from './wasm/loader.js';
export type { WasmSource, KernelVariant } from './wasm/loader.js';
export { workedExample, seedWalkthrough } from './worked-example.js';
export { parseIdx } from './io/idx.js';
export type { IdxTensor, IdxData } from './io/idx.js';
