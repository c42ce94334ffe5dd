/// <reference types="@webgpu/types" />
// The tiled GEMM of the WebGPU backend, C[M×N] = op(A)·op(B) with an epilogue, as
// tfjs-backend-webgpu and ONNX Runtime's WebGPU EP build it: an 8×8 workgroup computes a 32×32
// tile of C, 4×4 outputs per thread, staging 32×32 tiles of A and B (depth 32) in workgroup
// memory. Each output sums its K products in ascending k from 0 in one thread: no atomics, no
// split-K, so one adapter gives the same bits on every run.

import { ACTIVATIONS_WGSL, activationId, type GpuActivation } from './activations.js';
import { uniformWords, type GpuContext } from './context.js';

/** What the GEMM does to each output before storing it. */
export type GemmEpilogue =
  /** C = A·B. */
  | { kind: 'none' }
  /** C = act(A·B + bias[col]): a dense layer's forward pass. */
  | { kind: 'bias-activation'; activation: GpuActivation }
  /** C = (A·B) ⊙ act'(a[row, col]) with a = act(z) stored: δ through the previous layer's activation. */
  | { kind: 'activation-slope'; activation: GpuActivation };

/** A GEMM variant: whether A is stored as [K×M] (read transposed) and B as [N×K]; the epilogue's activation is a uniform. */
export interface GemmVariant {
  transposeA: boolean;
  transposeB: boolean;
  epilogue: GemmEpilogue;
}

/** Side of C's tile per workgroup, and the depth of the staged tiles. */
export const GEMM_TILE = 32;
/** The workgroup is GEMM_THREADS × GEMM_THREADS; each thread owns a 4×4 block of the tile. */
const GEMM_THREADS = 8;
const PER_THREAD = GEMM_TILE / GEMM_THREADS;

/**
 * WGSL for one GEMM variant. Bindings: 0 the dims uniform (M, N, K, activation id as u32), 1 A, 2 B, 3 C,
 * and 4 the epilogue's operand (bias[N] or the stored activations [M×N]) when it has one.
 */
export function gemmWgsl(transposeA: boolean, transposeB: boolean, epilogue: GemmEpilogue['kind']): string {
  const hasOperand = epilogue !== 'none';
  const finish = {
    none: 'v',
    'bias-activation': 'activate(dims.activation, v + E[col])',
    'activation-slope': 'v * slope(dims.activation, E[row * dims.N + col])',
  }[epilogue];
  return `struct Dims { M: u32, N: u32, K: u32, activation: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
${hasOperand ? '@group(0) @binding(4) var<storage, read> E: array<f32>;\n' : ''}${hasOperand ? ACTIVATIONS_WGSL : ''}
const TILE = ${GEMM_TILE}u;
const PER_THREAD = ${PER_THREAD}u;
var<workgroup> tileA: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>; // [m][k]
var<workgroup> tileB: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>; // [k][n]

// Out-of-range reads give 0, so a partial tile adds exact zeros to the sums.
fn loadA(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  return A[${transposeA ? 'k * dims.M + m' : 'm * dims.K + k'}];
}
fn loadB(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  return B[${transposeB ? 'n * dims.K + k' : 'k * dims.N + n'}];
}

@compute @workgroup_size(${GEMM_THREADS}, ${GEMM_THREADS})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let tileRow = wid.y * TILE;
  let tileCol = wid.x * TILE;
  let thread = lid.y * ${GEMM_THREADS}u + lid.x;
  var acc: array<array<f32, ${PER_THREAD}>, ${PER_THREAD}>;
  for (var t = 0u; t < dims.K; t += TILE) {
    // 64 threads stage the two 32×32 tiles, 16 values each.
    for (var i = 0u; i < ${(GEMM_TILE * GEMM_TILE) / (GEMM_THREADS * GEMM_THREADS)}u; i++) {
      let flat = thread + i * ${GEMM_THREADS * GEMM_THREADS}u;
      let r = flat / TILE;
      let c = flat % TILE;
      tileA[r][c] = loadA(tileRow + r, t + c);
      tileB[r][c] = loadB(t + r, tileCol + c);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      var b: array<f32, ${PER_THREAD}>;
      for (var j = 0u; j < PER_THREAD; j++) { b[j] = tileB[k][lid.x * PER_THREAD + j]; }
      for (var i = 0u; i < PER_THREAD; i++) {
        let a = tileA[lid.y * PER_THREAD + i][k];
        for (var j = 0u; j < PER_THREAD; j++) { acc[i][j] = acc[i][j] + a * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < PER_THREAD; i++) {
    let row = tileRow + lid.y * PER_THREAD + i;
    for (var j = 0u; j < PER_THREAD; j++) {
      let col = tileCol + lid.x * PER_THREAD + j;
      if (row < dims.M && col < dims.N) {
        let v = acc[i][j];
        C[row * dims.N + col] = ${finish};
      }
    }
  }
}
`;
}

/** Workgroups to dispatch for an M×N output: one per 32×32 tile (x over columns, y over rows). */
export function gemmWorkgroups(m: number, n: number): [number, number] {
  return [Math.ceil(n / GEMM_TILE), Math.ceil(m / GEMM_TILE)];
}

/** The buffers of one GEMM: C ← epilogue(op(A)·op(B)), with the epilogue's operand if it has one. */
export interface GemmBuffers {
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  operand?: GPUBuffer;
}

/** Records C[m×n] = epilogue(op(A)[m×k] · op(B)[k×n]) into `encoder`. */
export function encodeGemm(context: GpuContext, encoder: GPUCommandEncoder, variant: GemmVariant, buffers: GemmBuffers, m: number, n: number, k: number): void {
  const { transposeA, transposeB, epilogue } = variant;
  const activation = epilogue.kind === 'none' ? 0 : activationId(epilogue.activation);
  const dims = context.uniform(uniformWords([{ u32: m }, { u32: n }, { u32: k }, { u32: activation }]));
  const operand = epilogue.kind === 'none' ? undefined : buffers.operand;
  context.dispatch(encoder, gemmWgsl(transposeA, transposeB, epilogue.kind), [dims, buffers.a, buffers.b, buffers.c, operand], gemmWorkgroups(m, n));
}
