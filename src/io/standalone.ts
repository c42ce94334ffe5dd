import type { Architecture, FloatArray } from '../model/options.js';
import { parameterLayout, runningOffsets } from '../model/layout.js';
import { activationRecord } from '../registry/activations.js';
import { normalizationRecord, type Normalization } from '../registry/normalizations.js';
import { writeFloats } from './floats.js';
import { networkFunctionName, preprocessingSource, type OutputScaling } from '../preprocessing/standalone-source.js';

/**
 * The source of a dependency-free ES module that computes `predict` for a trained network:
 * `import { predict } from './model.mjs'`. θ is embedded as base64 of its little-endian bytes,
 * so the weights are bit-exact and about a third larger than binary; the math is plain
 * JavaScript in float64 over those weights, the same operations in the same order as the `js`
 * backend. A normalization layer computes as in `predict` (batch norm with its running
 * statistics, embedded after θ). Works in browsers, Node, Deno and Bun. With an input stage,
 * `predict` takes raw rows; `output` (the CLI's) maps its outputs back to a target's units.
 * `storedSource`, an expression that evaluates to θ (a quantized model's decoder,
 * src/quantize/standalone.ts), replaces the embedded θ; the module's `decode` stays for it to use.
 */
export function standaloneModule(architecture: Architecture, parameters: FloatArray, runningStatistics: FloatArray, output?: OutputScaling, storedSource?: string): string {
  const { layers, activations, dtype } = architecture;
  const bytes = new Uint8Array((parameters.length + runningStatistics.length) * parameters.BYTES_PER_ELEMENT);
  writeFloats(bytes, 0, parameters, dtype);
  writeFloats(bytes, parameters.length * parameters.BYTES_PER_ELEMENT, runningStatistics, dtype);
  const used = [...new Set(activations)];
  const layout = parameterLayout(architecture);
  const normalized = layout.layers.some((l) => l.normalization !== null);
  // Per layer: [kind, where γ starts, where its running mean starts in `running`] (null: none).
  const runningAt = runningOffsets(layout);
  const norms = layout.layers.map((l, i) => (l.normalization ? [l.normalization, l.normOffset, Math.max(runningAt[i], 0)] : null));
  const usedNorms = [...new Set(layout.layers.flatMap((l) => (l.normalization ? [l.normalization] : [])))];
  return `// A ${layers.join('-')} multilayer perceptron (${activations.join(', ')}; ${dtype} weights), exported by wasm-mlp.
// Dependency-free: predict(X) takes rows of ${layers[0]} numbers (number[][], or a flat Float32Array/Float64Array)
// and returns ${layers[layers.length - 1]} outputs per row, in the same form.
export const layers = ${JSON.stringify(layers)};
export const activations = ${JSON.stringify(activations)};
${normalized ? `export const normalization = ${JSON.stringify(architecture.normalization)};
` : ''}${preprocessingSource(architecture, output)}
const stored = ${storedSource ?? `decode(${JSON.stringify(base64(bytes))})`};
const theta = stored.subarray(0, ${parameters.length});
${normalized ? `const running = stored.subarray(${parameters.length});
const NORMS = ${JSON.stringify(norms)};
${normalizeSource(dtype, usedNorms)}` : ''}
const ACTIVATE = {};
${used.map((a) => activationRecord(a).standalone).join('\n')}

/** Outputs of the network for each row of X. */
${architecture.input ? 'function' : 'export function'} ${networkFunctionName(architecture)}(X) {
  // By the array's type tag, not instanceof: a typed array from another realm (node:vm, an iframe) counts too.
  const type = ArrayBuffer.isView(X) ? Object.prototype.toString.call(X) : '';
  const flat = type === '[object Float32Array]' || type === '[object Float64Array]';
  if (!flat && !Array.isArray(X)) throw new TypeError('predict: X must be number[][] or a flat Float32Array/Float64Array');
  const inputs = layers[0];
  const rows = flat ? X.length / inputs : X.length;
  if (!Number.isInteger(rows)) throw new RangeError(\`predict: X has \${X.length} values, not a whole number of rows of \${inputs}\`);
  let a = new Float64Array(rows * inputs);
  for (let i = 0; i < rows; i++) {
    const row = flat ? X.subarray(i * inputs, (i + 1) * inputs) : X[i];
    if (row.length !== inputs) throw new RangeError(\`predict: X row \${i} has \${row.length} values, expected \${inputs}\`);
    for (let j = 0; j < inputs; j++) a[i * inputs + j] = row[j];
  }
  let offset = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const k = layers[l], n = layers[l + 1], bias = offset + n * k;
    const z = new Float64Array(rows * n);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * k + p] * theta[offset + j * k + p];
        z[i * n + j] = sum + theta[bias + j];
      }
    }
${normalized ? '    if (NORMS[l]) normalize(NORMS[l], z, rows, n);\n' : ''}    ACTIVATE[activations[l]](z, rows, n);
    a = z;
    offset = bias + n${normalized ? ' + (NORMS[l] ? 2 * n : 0)' : ''};
  }
  const outputs = layers[layers.length - 1];
  if (flat) return type === '[object Float32Array]' ? new Float32Array(a) : new Float64Array(a);
  return Array.from({ length: rows }, (_, i) => Array.from(a.subarray(i * outputs, (i + 1) * outputs)));
}

export default predict;

function decode(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  return Float64Array.from({ length: bytes.length / ${parameters.BYTES_PER_ELEMENT} }, (_, i) => view.getFloat${dtype === 'float64' ? 64 : 32}(i * ${parameters.BYTES_PER_ELEMENT}, true));
}
`;
}

/**
 * The network's normalizations in place on rows × n values, each its record's eval-mode code
 * (the arithmetic of src/registry/normalization-references.ts, in its order); R rounds to the network's precision.
 */
const normalizeSource = (dtype: Architecture['dtype'], used: readonly Normalization[]) => `const R = ${dtype === 'float32' ? 'Math.fround' : '(v) => v'};
const NORMALIZE = {};
${used.map((n) => normalizationRecord(n).standalone).join('\n')}
function normalize([kind, gamma, at], z, rows, n) {
  NORMALIZE[kind](z, rows, n, gamma, at);
}`;

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='

/** Base64 written as ASCII bytes and decoded once: no string per character (a 16M-parameter network is 10⁸ characters). */
export function base64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ALPHABET[n >> 18];
    out[o++] = ALPHABET[(n >> 12) & 63];
    out[o++] = i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : PAD;
    out[o++] = i + 2 < bytes.length ? ALPHABET[n & 63] : PAD;
  }
  return new TextDecoder().decode(out);
}
