import { writeOutputFile } from './output-file.js';
import type { MLP } from '../mlp.js';
import type { ModelFile } from './model-file.js';

/**
 * A `.wmlp` model as a dependency-free ES module: `net.toFunction()`'s `predict` plus the
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
