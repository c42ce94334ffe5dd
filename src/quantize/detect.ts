// Telling a quantized model file (`net.quantize()`) from other safetensors by its header alone:
// small and free of the quantized reader, so `Predictor.load` imports that reader only for such a file.
const MAX_HEADER_BYTES = 100_000_000;

/** The header of safetensors bytes and where its data starts, or null when the bytes are not a quantized model file. */
export function quantizedHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } | null {
  if (bytes.length < 8) return null;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES || 8 + n > bytes.length) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    return null;
  }
  const meta = (header as { __metadata__?: { quantization?: unknown } } | null)?.__metadata__;
  return typeof meta === 'object' && meta !== null && 'quantization' in meta ? { header: header as Record<string, unknown>, dataStart: 8 + n } : null;
}

/** True when the bytes are a quantized model file (`net.quantize()`), which `readQuantizedFile` reads. */
export function isQuantizedFile(bytes: Uint8Array): boolean {
  return quantizedHeader(bytes) !== null;
}
