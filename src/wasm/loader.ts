import type { DType } from '../options.js';
import { ValueError, describe } from '../errors.js';

/** Where a compiled kernel module comes from: bytes, a URL to fetch or read, or a compiled module. */
export type WasmSource = BufferSource | URL | string | WebAssembly.Module;

/** A build of the kernels: one per dtype, plain or threaded (atomics over shared memory). */
type Variant = DType | `${DType}-threads`;

const sources: Partial<Record<Variant, WasmSource>> = {};
const modules = new Map<Variant, Promise<WebAssembly.Module>>();

/**
 * Tells wasm-mlp where its .wasm files are, for bundlers or servers that move them, or hands
 * it the bytes directly. Optional: by default each file is loaded from beside this module.
 * `{ threads: true }` sets the threaded build's source (used by networks with `threads` > 1).
 */
export function setWasmSource(dtype: DType, source: WasmSource, options: { threads?: boolean } = {}): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(`setWasmSource: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  }
  const variant: Variant = options?.threads === true ? `${dtype}-threads` : dtype;
  sources[variant] = source;
  modules.delete(variant);
}

/** The compiled kernels for a dtype (threaded or not); compiled once per process and shared by every network. */
export function kernelModule(dtype: DType, threads = false): Promise<WebAssembly.Module> {
  const variant: Variant = threads ? `${dtype}-threads` : dtype;
  let module = modules.get(variant);
  if (!module) {
    module = compile(sources[variant] ?? defaultUrl(variant));
    // A failed load may be retried with another source.
    module.catch(() => modules.delete(variant));
    modules.set(variant, module);
  }
  return module;
}

// Literal `new URL(…, import.meta.url)` expressions, so bundlers such as Vite see and copy the files.
function defaultUrl(variant: Variant): URL {
  switch (variant) {
    case 'float64': return new URL('./build/mlp.f64.wasm', import.meta.url);
    case 'float32-threads': return new URL('./build/mlp.f32.threads.wasm', import.meta.url);
    case 'float64-threads': return new URL('./build/mlp.f64.threads.wasm', import.meta.url);
    default: return new URL('./build/mlp.f32.wasm', import.meta.url);
  }
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
