// A training step split by phase: each phase's kernels timed alone on the step's own shapes
// (forward, ∇W, δ·W: every layer's GEMM, checked by bench/gemm.mjs; the optimizer's update and
// the divergence guard's scan over all of θ, each checked once too) beside the whole step as
// fit takes it (one thread), in the same interleaved rounds. What the kernels leave of the
// step is the rest: the loss and output δ, gathering the batch's rows, the calls between.
import { gemmCall } from './gemm.mjs';

const SGD = 0, ADAM = 1;

/** An optimizer block (assembly/blocks.ts's Optimizer, at the offsets the build exports) over `count` parameters. */
function optimizerBlock({ k, matrix }, type, count) {
  const offset = (field) => k[`Optimizer_${field}`].value;
  const block = matrix(Math.ceil(offset('size') / 4) + 2);
  const params = matrix(count, (i) => Math.sin(i) * 0.1), grads = matrix(count, (i) => Math.cos(i) * 0.01);
  const m = matrix(count), v = matrix(count);
  const view = new DataView(params.view().buffer);
  view.setInt32(block.ptr + offset('kind'), type === 'adam' ? ADAM : SGD, true);
  view.setUint32(block.ptr + offset('m'), m.ptr, true);
  view.setUint32(block.ptr + offset('v'), v.ptr, true);
  for (const [field, value] of [['step', 1], ['beta1', 0.9], ['beta2', 0.999], ['epsilon', 1e-8]]) view.setFloat64(block.ptr + offset(field), value, true);
  return { block: block.ptr, params, grads };
}

/** The update's first step, checked against its rule (SGD: θ − η·g; Adam at t = 1: θ − η·g/(|g| + ε·√(1 − β₂))), then returns the timed call. */
function optimizerCall(build, type, count, lr, label) {
  if (!build.k.optimizerUpdate) return null; // a build from before optimizerUpdate was exported
  const { block, params, grads } = optimizerBlock(build, type, count);
  const before = Float64Array.from(params.view()), g = Float64Array.from(grads.view());
  const offset = build.k.Optimizer_step.value;
  build.k.optimizerUpdate(block, params.ptr, grads.ptr, 0, count, lr);
  const after = params.view();
  for (let i = 0; i < count; i++) {
    const expected = type === 'adam' ? before[i] - (lr * g[i]) / (Math.abs(g[i]) + 1e-8) : before[i] - lr * g[i];
    if (!(Math.abs(after[i] - expected) <= 1e-5 * Math.max(1e-3, Math.abs(expected)))) throw new Error(`${label} ${type} update: θ[${i}] = ${after[i]}, its rule gives ${expected}: nothing is timed`);
  }
  // Later calls are later steps (t = 2, 3, …: the same work per element).
  // (A view made per call: a later matrix may have grown the memory and detached the last one.)
  return () => { new DataView(params.view().buffer).setFloat64(block + offset, 2, true); build.k.optimizerUpdate(block, params.ptr, grads.ptr, 0, count, lr); };
}

/** The guard's scan, checked to say yes to finite values and no to a NaN, then returns the timed call. */
function guardCall({ k, matrix }, count, lr, label) {
  const params = matrix(count, (i) => Math.sin(i)), grads = matrix(count, (i) => Math.cos(i));
  if (!k.updateIsFinite(params.ptr, grads.ptr, count, lr)) throw new Error(`${label} guard: finite θ reported non-finite`);
  grads.view()[count - 1] = NaN;
  if (k.updateIsFinite(params.ptr, grads.ptr, count, lr)) throw new Error(`${label} guard: a NaN gradient went unnoticed`);
  grads.view()[count - 1] = 0;
  return () => k.updateIsFinite(params.ptr, grads.ptr, count, lr);
}

/**
 * The phase cells of one workload ({ layers, batchSize, optimizer }) in one build: for each
 * phase the calls one step makes and the flops of its GEMMs.
 */
export function phaseCalls(build, w, label) {
  const { layers, batchSize: m } = w;
  const shapes = layers.slice(1).map((n, l) => [m, layers[l], n]);
  const gemm = (product, list) => {
    const calls = list.map(([rows, k, n]) => gemmCall(build, product, rows, k, n, label));
    return { run: () => { for (const c of calls) c(); }, flops: list.reduce((s, [rows, k, n]) => s + 2 * rows * k * n, 0) };
  };
  const parameters = shapes.reduce((s, [, k, n]) => s + (k + 1) * n, 0);
  const update = optimizerCall(build, w.optimizer, parameters, 1e-3, label);
  return [
    { phase: 'forward', ...gemm('forward', shapes) },
    { phase: '∇W', ...gemm('weightGradient', shapes) },
    // The first layer's input gradient is never taken.
    { phase: 'δ·W', ...gemm('inputGradient', shapes.slice(1)) },
    ...(update ? [{ phase: `optimizer (${w.optimizer})`, run: update }] : []),
    { phase: 'guard', run: guardCall(build, parameters, 1e-3, label) },
  ];
}
