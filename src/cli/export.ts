import { writeOutputFile } from './output-file.js';
import { UsageError } from './args.js';
import type { MLP } from '../api/mlp.js';
import type { ModelFile } from './model-file.js';
import { writeOnnx } from '../io/onnx.js';
import { standaloneModule } from '../io/standalone.js';
import { quantizedModule, toFunction } from '../quantize/standalone.js';
import type { WeightFormat } from '../quantize/model.js';

/** What `wasm-mlp export --format` writes. */
export const EXPORT_FORMATS = ['module', 'onnx'] as const;

/**
 * A command-line model as a dependency-free ES module: `net.toFunction()`'s `predict` plus the
 * CLI's preprocessing, so `predictRows` takes raw feature values (arrays in `features` order,
 * or objects keyed by column name) and returns class names or numbers in the target's units.
 */
export function exportModule(model: ModelFile, net: MLP, source: string, quantize?: WeightFormat): string {
  if (net.input) return stagedModule(model, net, source, quantize);
  const { mean, std } = model.featureScaling!;
  const target = model.targetScaling;
  // --quantize: the weights stored as int8 or float16 in the module (toFunction of net.quantize()).
  return `${quantize ? toFunction(net.quantize({ weights: quantize })) : net.toFunction()}
// Added by \`wasm-mlp export\` from ${JSON.stringify(source)}: the columns the model reads and its standardisation.
export const features = ${JSON.stringify(model.features)};
export const target = ${JSON.stringify(model.target)};
export const classes = ${JSON.stringify(model.classes)};
const featureMean = ${JSON.stringify(mean)};
const featureStd = ${JSON.stringify(std)};

/** One prediction per row of raw feature values: ${model.classes ? 'a class name' : `a number in ${model.target}'s units`}. */
export function predictRows(rows) {
  const X = rows.map((row, i) => features.map((name, j) => {
    const value = Number(Array.isArray(row) ? row[j] : row[name]);
    if (!Number.isFinite(value)) throw new RangeError(\`predictRows: row \${i}, feature "\${name}" must be a number\`);
    return (value - featureMean[j]) / featureStd[j];
  }));
  return predict(X).map((out) => ${model.classes ? 'classes[out.indexOf(Math.max(...out))]' : `out[0] * ${target!.std[0]} + ${target!.mean[0]}`});
}
`;
}

/**
 * The module of a network with its own input stage: `predict` takes raw rows (and returns a
 * regression target in its units; `classNames`, `input` come with it), so `predictRows` only
 * reads cells and names the result.
 */
function stagedModule(model: ModelFile, net: MLP, source: string, quantize?: WeightFormat): string {
  const Float = net.dtype === 'float64' ? Float64Array : Float32Array;
  const running = Float.from(net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar]));
  const output = model.targetScaling ?? undefined;
  // --quantize: the weights stored as int8 or float16 in the module (the module of net.quantize()).
  const network = quantize ? quantizedModule(net.quantize({ weights: quantize }), output) : standaloneModule(net.architecture, net.getParameters(), running, output);
  return `${network}
// Added by \`wasm-mlp export\` from ${JSON.stringify(source)}: the columns the model reads.
export const features = ${JSON.stringify(model.features)};
export const target = ${JSON.stringify(model.target)};
export const classes = ${JSON.stringify(model.classes)};

/** One prediction per row of raw feature values (numbers may be given as text): ${model.classes ? 'a class name' : `a number in ${model.target}'s units`}. */
export function predictRows(rows) {
  const cells = rows.map((row) => input.columns.map((column, j) => {
    const value = Array.isArray(row) ? row[j] : row[column.name];
    return column.type === 'one-hot' ? String(value) : Number(value);
  }));
  return predict(cells).map((out) => ${model.classes ? 'classes[out.indexOf(Math.max(...out))]' : 'out[0]'});
}
`;
}

/** Writes the module for a loaded model. */
export function writeExport(path: string, model: ModelFile, net: MLP, source: string, quantize?: WeightFormat): void {
  writeOutputFile(path, exportModule(model, net, source, quantize));
}

/**
 * Writes the model as ONNX taking raw feature values: the standardisation (and, for regression,
 * the mapping back to the target's units) is part of the graph, so a host needs nothing else.
 */
export function writeOnnxExport(path: string, model: ModelFile, net: MLP, quantize?: WeightFormat): void {
  if (quantize === 'float16') throw new UsageError('--quantize float16 applies to --format module; the ONNX export quantizes to int8 (--quantize int8)');
  const metadata: Record<string, string> = { features: JSON.stringify(model.features), target: JSON.stringify(model.target) };
  if (model.classes) metadata.classes = JSON.stringify(model.classes);
  const running = net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar]);
  // A network with an input stage has it in its own graph.
  const input = net.input ? undefined : model.featureScaling!;
  const bytes = writeOnnx(net.architecture, net.getParameters(), { quantize: quantize && 'int8' }, { input, output: model.targetScaling ?? undefined, metadata }, running);
  writeOutputFile(path, bytes);
}
