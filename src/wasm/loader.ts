import type { DType } from '../options.js';
import { ValueError, describe } from '../errors.js';

/** Where a compiled kernel module comes from: bytes, a URL to fetch or read, or a compiled module. */
export type WasmSource = BufferSource | URL | string | WebAssembly.Module;

/**
 * Which build of the kernels runs: `scalar` (plain WebAssembly, for engines without SIMD),
 * `simd` (128-bit SIMD), or `relaxed-simd` (SIMD with fused multiply-add: browsers; Node 20
 * only with `--experimental-wasm-relaxed-simd`).
 */
export type KernelVariant = 'scalar' | 'simd' | 'relaxed-simd';
/** The variants, fastest last. */
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['scalar', 'simd', 'relaxed-simd'];

const sources = new Map<string, WasmSource>();
const modules = new Map<string, Promise<WebAssembly.Module>>();
let chosen: KernelVariant | 'auto' = 'auto';

/**
 * Tells wasm-mlp where its .wasm files are, for bundlers or servers that move them, or hands
 * it the bytes directly. Optional: by default each file is loaded from beside this module.
 * Without `variant` the source serves every variant of the dtype. `{ threads: true }` sets
 * the threaded builds' source instead (networks with `threads` > 1; see "Multi-core training").
 */
export function setWasmSource(dtype: DType, source: WasmSource, variant?: KernelVariant, options: { threads?: boolean } = {}): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(`setWasmSource: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  }
  if (variant !== undefined && !KERNEL_VARIANTS.includes(variant)) {
    throw new ValueError(`setWasmSource: variant must be one of ${KERNEL_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${describe(variant)}`);
  }
  for (const v of variant === undefined ? KERNEL_VARIANTS : [variant]) {
    sources.set(key(dtype, v, options?.threads === true), source);
    modules.delete(key(dtype, v, options?.threads === true));
  }
}

/**
 * Chooses the kernel build for networks created from now on. 'auto' (the default) takes the
 * fastest one this engine validates; naming a variant the engine cannot run throws.
 */
export function setKernelVariant(variant: KernelVariant | 'auto'): void {
  if (variant !== 'auto' && !KERNEL_VARIANTS.includes(variant)) {
    throw new ValueError(`setKernelVariant: variant must be 'auto', ${KERNEL_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${describe(variant)}`);
  }
  if (variant !== 'auto' && !supportedKernelVariants().includes(variant)) {
    throw new ValueError(`setKernelVariant: this WebAssembly engine cannot run the '${variant}' kernels (it supports ${supportedKernelVariants().map((v) => `'${v}'`).join(', ')})`);
  }
  chosen = variant;
}

/** The kernel build new networks use: the one set by `setKernelVariant`, or the fastest supported. */
export function kernelVariant(): KernelVariant {
  if (chosen !== 'auto') return chosen;
  const supported = supportedKernelVariants();
  return supported[supported.length - 1];
}

let supported: KernelVariant[] | undefined;
/** The variants this engine validates, found once with tiny probe modules. */
export function supportedKernelVariants(): readonly KernelVariant[] {
  supported ??= KERNEL_VARIANTS.filter((v) => v === 'scalar' || WebAssembly.validate(PROBES[v]));
  return supported;
}

// Each probe is one function returning a v128: i32x4.splat(0), and for relaxed-SIMD
// f32x4.relaxed_madd of three of them. An engine that validates it can run that build.
const PROBE_HEAD = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const SPLAT = [0x41, 0x00, 0xfd, 0x11];
const PROBES: Record<'simd' | 'relaxed-simd', Uint8Array<ArrayBuffer>> = {
  simd: new Uint8Array([...PROBE_HEAD, 0x0a, 0x08, 0x01, 0x06, 0x00, ...SPLAT, 0x0b]),
  'relaxed-simd': new Uint8Array([...PROBE_HEAD, 0x0a, 0x13, 0x01, 0x11, 0x00, ...SPLAT, ...SPLAT, ...SPLAT, 0xfd, 0x85, 0x02, 0x0b]),
};

/**
 * The compiled kernels for a dtype and variant (threaded: over shared memory, with the parallel
 * phase loop); compiled once per process and shared by every network.
 */
export function kernelModule(dtype: DType, variant: KernelVariant = kernelVariant(), threads = false): Promise<WebAssembly.Module> {
  const id = key(dtype, variant, threads);
  let module = modules.get(id);
  if (!module) {
    module = compile(sources.get(id) ?? (threads ? threadedUrl(dtype, variant) : defaultUrl(dtype, variant)));
    // A failed load may be retried with another source.
    module.catch(() => modules.delete(id));
    modules.set(id, module);
  }
  return module;
}

function key(dtype: DType, variant: KernelVariant, threads = false): string {
  return `${dtype}:${variant}${threads ? ':threads' : ''}`;
}

// Literal `new URL(…, import.meta.url)` expressions, so bundlers such as Vite see and copy the files.
function defaultUrl(dtype: DType, variant: KernelVariant): URL {
  if (dtype === 'float64') {
    if (variant === 'scalar') return new URL('./build/mlp.f64.scalar.wasm', import.meta.url);
    if (variant === 'simd') return new URL('./build/mlp.f64.simd.wasm', import.meta.url);
    return new URL('./build/mlp.f64.relaxed-simd.wasm', import.meta.url);
  }
  if (variant === 'scalar') return new URL('./build/mlp.f32.scalar.wasm', import.meta.url);
  if (variant === 'simd') return new URL('./build/mlp.f32.simd.wasm', import.meta.url);
  return new URL('./build/mlp.f32.relaxed-simd.wasm', import.meta.url);
}

function threadedUrl(dtype: DType, variant: KernelVariant): URL {
  if (dtype === 'float64') {
    if (variant === 'scalar') return new URL('./build/mlp.f64.scalar.threads.wasm', import.meta.url);
    if (variant === 'simd') return new URL('./build/mlp.f64.simd.threads.wasm', import.meta.url);
    return new URL('./build/mlp.f64.relaxed-simd.threads.wasm', import.meta.url);
  }
  if (variant === 'scalar') return new URL('./build/mlp.f32.scalar.threads.wasm', import.meta.url);
  if (variant === 'simd') return new URL('./build/mlp.f32.simd.threads.wasm', import.meta.url);
  return new URL('./build/mlp.f32.relaxed-simd.threads.wasm', import.meta.url);
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) {
    const url = new URL(String(source), typeof location === 'undefined' ? import.meta.url : location.href);
    if (url.protocol === 'file:') return WebAssembly.compile(await readFile(url));
    const response = await fetch(url);
    if (!response.ok) throw new ValueError(`wasm-mlp: could not load ${url.href}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

async function readFile(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  // Hidden from bundlers: this branch only runs where file: URLs exist (Node, Deno, Bun).
  const fsModule = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  return new Uint8Array(await fs.readFile(url));
}
