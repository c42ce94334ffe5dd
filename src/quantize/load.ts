// What `Predictor.load` does with a quantized model file: int8 with dynamic activations runs on the
// int8 engine; float16, and int8 with float32 activations, decode to float32 θ for the float32 one.
import type { Architecture } from '../model/options.js';
import { createInt8Engine, type Int8Engine, type Int8Kernel } from './int8-engine.js';
import { decodedParameters } from './decode.js';
import { readQuantizedFile } from './file.js';
import type { Quantization } from './model.js';

/** How a loaded model is quantized, and which int8 kernel runs it (null where weights are decoded to float32). */
export interface QuantizationInfo extends Quantization {
  readonly kernel: Int8Kernel | null;
}

/** A quantized model ready to run: on the int8 engine, or as float32 θ. */
export type LoadedQuantized =
  | { architecture: Architecture; info: QuantizationInfo; engine: Int8Engine; parameters?: undefined }
  | { architecture: Architecture; info: QuantizationInfo; engine?: undefined; parameters: Float32Array; running: null };

/** Reads `bytes` if they are a quantized model file (else null) and prepares it. */
export async function loadQuantized(fn: string, bytes: Uint8Array): Promise<LoadedQuantized | null> {
  const model = readQuantizedFile(fn, bytes);
  if (!model) return null;
  const { architecture, quantization } = model;
  if (quantization.weights === 'int8' && quantization.activations === 'dynamic') {
    const engine = await createInt8Engine(model);
    return { architecture, engine, info: { ...quantization, kernel: engine.kernel } };
  }
  return { architecture, parameters: decodedParameters(model), running: null, info: { ...quantization, kernel: null } };
}
