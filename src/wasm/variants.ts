// Which kernel build runs where: feature detection of SIMD and relaxed-SIMD, the user's choice,
// and compiling a module from wherever its bytes come from. Shared by the full entry's loader
// and the inference entry's, without either one's file URLs.
import { ValueError, describe } from '../core/errors.js';

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

let chosen: KernelVariant | 'auto' = 'auto';

/**
 * Chooses the kernel build for networks created from now on. 'auto' (the default) takes the
 * fastest one this engine validates; naming a variant the engine cannot run throws.
 * @throws ValueError when the engine cannot run the named variant, or the name is not one.
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

/**
 * The kernel build new networks use: the one set by `setKernelVariant`, or the fastest supported.
 * @throws Nothing.
 */
export function kernelVariant(): KernelVariant {
  if (chosen !== 'auto') return chosen;
  const supported = supportedKernelVariants();
  return supported[supported.length - 1];
}

let supported: KernelVariant[] | undefined;
/**
 * The variants this engine validates, found once with tiny probe modules.
 * @throws Nothing.
 */
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

/** Compiles a module from any `WasmSource` (also used by the inference entry's loader). */
export async function compileWasm(source: WasmSource): Promise<WebAssembly.Module> {
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
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsModule)) as typeof import('node:fs/promises');
  return new Uint8Array(await fs.readFile(url));
}
