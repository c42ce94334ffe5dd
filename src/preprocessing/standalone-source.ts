// The input stage and class names in `toFunction`'s dependency-free module: the same encoding
// as encode.ts ((x − offset) / scale in float64, one-hot blocks, ordinal indices), written out
// as plain JavaScript, and a `predict` that encodes raw rows before the network's `forward`.
import type { Architecture } from '../model/options.js';
import { columnOffset, columnScale, columnWidth } from './stage.js';

/** The name the module's network function takes when an input stage comes before it. */
export function networkFunctionName(arch: Architecture): string {
  return arch.input ? 'forward' : 'predict';
}

/** An output's map back to a target's units, y · std + mean (the CLI's regression targets). */
export interface OutputScaling { mean: readonly number[]; std: readonly number[] }

/**
 * Source declaring `classNames`, and with an input stage `input` and the raw-row `predict`
 * (empty for a network with neither); `output` makes that `predict` return target units.
 */
export function preprocessingSource(arch: Architecture, output?: OutputScaling): string {
  const names = arch.classNames ? `export const classNames = ${JSON.stringify(arch.classNames)};\n` : '';
  if (!arch.input) return names;
  const columns = arch.input.columns.map((c) => ({
    name: c.name, offset: columnOffset(c), scale: columnScale(c), width: columnWidth(c),
    ...((c.type === 'one-hot' || c.type === 'ordinal') && { categories: c.categories, oneHot: c.type === 'one-hot', ignore: c.type === 'one-hot' && c.handleUnknown === 'ignore' }),
  }));
  return `${names}/** The input stage: raw rows are encoded column by column before the network's first layer. */
export const input = ${JSON.stringify(arch.input)};
const COLUMNS = ${JSON.stringify(columns)}.map((c) => ({ ...c, index: c.categories && new Map(c.categories.map((name, k) => [name, k])) }));

/** Outputs for raw rows (arrays of cells in column order, or objects keyed by column name; a flat typed array when every cell is a number). */
export function predict(X) {
  const out = forward(encodeInput(X))${output ? `.map((row) => row.map((y, k) => y * ${JSON.stringify(output.std)}[k] + ${JSON.stringify(output.mean)}[k]))` : ''};
  return X instanceof Float32Array || X instanceof Float64Array ? new X.constructor(out.flat()) : out;
}

function encodeInput(X) {
  const flat = X instanceof Float32Array || X instanceof Float64Array;
  if (!flat && !Array.isArray(X)) throw new TypeError('predict: X must be an array of rows or a flat Float32Array/Float64Array');
  const n = COLUMNS.length;
  const rows = flat ? X.length / n : X.length;
  if (!Number.isInteger(rows)) throw new RangeError(\`predict: X has \${X.length} values, not a whole number of rows of \${n} columns\`);
  return Array.from({ length: rows }, (_, i) => {
    const row = flat ? X.subarray(i * n, (i + 1) * n) : X[i];
    const byName = !Array.isArray(row) && !ArrayBuffer.isView(row);
    if (byName && (typeof row !== 'object' || row === null)) throw new TypeError(\`predict: X row \${i} must be an array of cells or an object keyed by column name\`);
    if (!byName && row.length !== n) throw new RangeError(\`predict: X row \${i} has \${row.length} cells, expected \${n}\`);
    const encoded = new Float64Array(${arch.input.width});
    let at = 0;
    COLUMNS.forEach((c, j) => {
      const v = byName ? row[c.name] : row[j];
      if (!c.index) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(\`predict: X row \${i}, column "\${c.name}" must be a finite number, got \${JSON.stringify(v)}\`);
        encoded[at] = (v - c.offset) / c.scale;
      } else {
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) throw new TypeError(\`predict: X row \${i}, column "\${c.name}" must be a category, got \${JSON.stringify(v)}\`);
        const k = c.index.get(String(v));
        if (k === undefined && !c.ignore) throw new RangeError(\`predict: X row \${i}, column "\${c.name}" is \${JSON.stringify(String(v))}, a category the input stage was not fitted on\`);
        if (k !== undefined) encoded[at + (c.oneHot ? k : 0)] = c.oneHot ? 1 : k;
      }
      at += c.width;
    });
    return encoded;
  });
}
`;
}
