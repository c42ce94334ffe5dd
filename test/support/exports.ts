// Shared helpers of the export tests: run an ONNX model in onnxruntime-web (its wasm backend, in
// Node, one thread: no cross-origin isolation needed), and import a `toFunction` module from a file.
import * as ort from 'onnxruntime-web';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The model's `output` for rows of `inputs` values in X, in X's precision. */
export async function runOnnx(bytes: Uint8Array, X: Float32Array | Float64Array, inputs: number): Promise<Float32Array | Float64Array> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const type = X instanceof Float64Array ? 'float64' : 'float32';
  const result = await session.run({ input: new ort.Tensor(type, X, [X.length / inputs, inputs]) });
  await session.release();
  return result.output.data as Float32Array | Float64Array;
}

/** What a `toFunction` module exports. */
export interface StandaloneModule {
  predict: (X: unknown) => number[][] | Float64Array | Float32Array;
  layers: number[];
  default: unknown;
}

let count = 0;
/** Writes `source` as an .mjs file in `dir` (a fresh name each call) and imports it. */
export function importSource(dir: string, source: string): Promise<StandaloneModule> {
  const file = join(dir, `model-${count++}.mjs`);
  writeFileSync(file, source);
  return import(pathToFileURL(file).href);
}
