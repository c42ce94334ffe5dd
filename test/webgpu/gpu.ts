// The tests' GPU: Dawn for Node over whatever Vulkan driver the environment names (here the
// SwiftShader ICD, see software-adapter.ts). No adapter is a failure, not a skip: CI installs
// chromium, whose files provide one, so a missing adapter means the setup broke.

import { create } from 'webgpu';
import { requestGpuContext } from '../../src/webgpu/device.js';
import type { GpuContext } from '../../src/webgpu/context.js';

let shared: Promise<GpuContext> | null = null;

/** One GpuContext per test file (Dawn's instance and device are costly to start). */
export function testContext(): Promise<GpuContext> {
  shared ??= requestGpuContext('test', create([]));
  return shared;
}

/** Uploads `data`, runs what `record` encodes, and reads `length` floats of `out` back. */
export async function runAndRead(context: GpuContext, record: (encoder: GPUCommandEncoder) => void, out: GPUBuffer, length: number): Promise<Float32Array> {
  context.submit(record);
  return context.read(out, length);
}

/** A seeded uniform sample in [lo, hi), rounded to float32 (mulberry32: reproducible test data). */
export function randomFloats(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** The largest |got − want| / max(|want|, floor) over the arrays (which must have one length). */
export function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1e-6): number {
  if (got.length !== want.length) throw new Error(`lengths ${got.length} and ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const error = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
    if (!(error <= worst)) worst = error; // NaN propagates as the worst
  }
  return worst;
}
