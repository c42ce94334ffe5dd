// The optimizer descriptor the TypeScript side writes (src/wasm/optimizer.ts):
//   i32 type, i32 flags, u32 buffer0*, u32 buffer1*, u32 buffer2*, 3 × i32 reserved,
//   then f64: step, momentum, dampening, beta1, beta2, alpha, epsilon, weightDecay,
//   learningRateDecay, clipNorm, clipValue (0 = off).
// Buffers hold the state vectors (m, v, …), each as long as θ.

export const SGD = 0;
export const ADAM = 1;
export const ADAMW = 2;
export const RMSPROP = 3;
export const ADAGRAD = 4;

export const NESTEROV = 1;
export const AMSGRAD = 2;
export const CENTERED = 4;

@inline export function optimizerType(opt: usize): i32 { return load<i32>(opt); }
@inline export function hasFlag(opt: usize, flag: i32): bool { return (load<i32>(opt, 4) & flag) != 0; }
@inline export function buffer(opt: usize, slot: i32): usize { return <usize>load<u32>(opt + 8 + (<usize>slot << 2)); }
@inline export function stepCount(opt: usize): f64 { return load<f64>(opt, 32); }
@inline export function setStepCount(opt: usize, step: f64): void { store<f64>(opt, step, 32); }
@inline export function momentum(opt: usize): f64 { return load<f64>(opt, 40); }
@inline export function dampening(opt: usize): f64 { return load<f64>(opt, 48); }
@inline export function beta1(opt: usize): f64 { return load<f64>(opt, 56); }
@inline export function beta2(opt: usize): f64 { return load<f64>(opt, 64); }
@inline export function alpha(opt: usize): f64 { return load<f64>(opt, 72); }
@inline export function epsilon(opt: usize): f64 { return load<f64>(opt, 80); }
@inline export function weightDecay(opt: usize): f64 { return load<f64>(opt, 88); }
@inline export function learningRateDecay(opt: usize): f64 { return load<f64>(opt, 96); }
@inline export function clipNorm(opt: usize): f64 { return load<f64>(opt, 104); }
@inline export function clipValue(opt: usize): f64 { return load<f64>(opt, 112); }

/** Address of element i of a float vector. */
@inline export function at(base: usize, i: i32): usize { return base + (<usize>i << alignof<float>()); }

