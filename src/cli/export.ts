import { writeOutputFile } from './output-file.js';
import type { MLP } from '../mlp.js';
import type { ModelFile } from './model-file.js';
import { writeOnnx } from '../io/onnx.js';

/** What `wasm-mlp export --format` writes. */
export const EXPORT_FORMATS = ['module', 'onnx'] as const;

/**
 * A command-line model as a dependency-free ES module: `net.toFunction()`'s `predict` plus the
 * CLI's preprocessing, so `predictRows` takes raw feature values (arrays in `features` order,
 * or objects keyed by column name) and returns class names or numbers in the target's units.
 */
export function exportModule(model: ModelFile, net: MLP, source: string): string {
  const { mean, std } = model.featureScaling;
  const target = model.targetScaling;
  return `${net.toFunction()}
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

/** Writes the module for a loaded model. */
export function writeExport(path: string, model: ModelFile, net: MLP, source: string): void {
  writeOutputFile(path, exportModule(model, net, source));
}

/**
 * Writes the model as ONNX taking raw feature values: the standardisation (and, for regression,
 * the mapping back to the target's units) is part of the graph, so a host needs nothing else.
 */
export function writeOnnxExport(path: string, model: ModelFile, net: MLP): void {
  const metadata: Record<string, string> = { features: JSON.stringify(model.features), target: JSON.stringify(model.target) };
  if (model.classes) metadata.classes = JSON.stringify(model.classes);
  const running = net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar]);
  const bytes = writeOnnx(net.architecture, net.getParameters(), {}, { input: model.featureScaling, output: model.targetScaling ?? undefined, metadata }, running);
  writeOutputFile(path, bytes);
}
