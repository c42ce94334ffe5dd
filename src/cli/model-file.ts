import { readFileSync } from 'node:fs';
import { MLP } from '../api/mlp.js';
import { FormatError, describe } from '../core/errors.js';
import type { Scaling, Task } from './table.js';
import { hasCategorical } from './input-stage.js';
import { sniffModel } from '../io/sniff.js';

/** Where `wasm-mlp train` saves its model unless told (a JSON file; `.wmlp` is `net.save()`'s checkpoint). */
export const DEFAULT_MODEL_FILE = 'model.json';

/**
 * A command-line model file (`.json`; `.wmlp` before 0.2): JSON holding what the CLI needs to read CSVs the same way again, and the
 * network as a `net.save()` checkpoint (base64), so it can be loaded with `MLP.load` too.
 */
export interface ModelFile {
  format: 'wasm-mlp-cli-model';
  version: 1;
  task: Task;
  /** Feature columns, in the order the network reads them. */
  features: string[];
  target: string;
  /** Class names, index = output unit (classification only). */
  classes: string[] | null;
  /**
   * Feature standardisation fitted on the training rows (the network's input stage applies the
   * same); null for a model with categorical features, whose stage alone encodes them.
   */
  featureScaling: Scaling | null;
  /** Target standardisation (regression only): predictions are mapped back to the target's units. */
  targetScaling: Scaling | null;
  /** Layer sizes, for people reading the file; the checkpoint is authoritative. */
  layers: number[];
  /** `net.save()`, base64: the network with its input stage and class names. */
  checkpoint: string;
}

/** The file's content for a trained network. */
export function modelFile(net: MLP, fields: Omit<ModelFile, 'format' | 'version' | 'layers' | 'checkpoint'>, checkpoint: Uint8Array = net.save()): ModelFile {
  return { format: 'wasm-mlp-cli-model', version: 1, ...fields, layers: [...net.layers], checkpoint: Buffer.from(checkpoint).toString('base64') };
}

/** The model as the file's JSON text (src/cli/save-on-signal.ts writes it). */
export function modelText(model: ModelFile): string {
  return JSON.stringify(model) + '\n';
}

/** What a file that is not a command-line model is, and what reads it. */
function otherKind(path: string, bytes: Uint8Array): string {
  try {
    const { kind } = sniffModel(path, bytes);
    if (kind === 'checkpoint') return 'it is a checkpoint from net.save(): MLP.load and Predictor.load read it';
    if (kind === 'safetensors') return 'it is a safetensors file: MLP.load (with wasm-mlp metadata), MLP.fromSafetensors and Predictor.load read it';
    return 'not JSON';
  } catch (error) {
    return (error as Error).message.slice(path.length + 2).replace(/^the bytes are/, 'it is');
  }
}

/** Reads and checks a command-line model file, then rebuilds its network. */
export async function loadModelFile(path: string): Promise<{ model: ModelFile; net: MLP }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FormatError(`${path}: cannot read the model file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FormatError(`${path}: not a model file of \`wasm-mlp train\` (${otherKind(path, readFileSync(path))})`);
  }
  const m = value as Partial<ModelFile>;
  if (typeof m !== 'object' || m === null || m.format !== 'wasm-mlp-cli-model') throw new FormatError(`${path}: not a wasm-mlp model file (format is ${describe(m?.format)})`);
  if (m.version !== 1) throw new FormatError(`${path}: model file version ${describe(m.version)} is not supported (this is version 1)`);
  const bad = (what: string) => new FormatError(`${path}: the model file is damaged (${what})`);
  if (m.task !== 'classification' && m.task !== 'regression') throw bad('task');
  if (!Array.isArray(m.features) || m.features.some((f) => typeof f !== 'string')) throw bad('features');
  if (typeof m.target !== 'string') throw bad('target');
  if (m.task === 'classification' && (!Array.isArray(m.classes) || m.classes.length < 2)) throw bad('classes');
  if (m.featureScaling !== null && !isScaling(m.featureScaling, m.features.length)) throw bad('featureScaling');
  if (m.task === 'regression' && !isScaling(m.targetScaling, 1)) throw bad('targetScaling');
  // Standardising divides by std: a 0 (training never writes one) would turn every value into ±Infinity.
  const flat = m.featureScaling?.std.indexOf(0) ?? -1;
  if (flat >= 0) throw bad(`featureScaling: feature "${m.features[flat]}" has std 0; a std must be > 0`);
  if (m.task === 'regression' && m.targetScaling!.std[0] === 0) throw bad(`targetScaling: the target "${m.target}" has std 0; a std must be > 0`);
  if (typeof m.checkpoint !== 'string') throw bad('checkpoint');
  let net: MLP;
  try {
    net = await MLP.load(Buffer.from(m.checkpoint, 'base64'));
  } catch (error) {
    throw new FormatError(`${path}: ${(error as Error).message}`);
  }
  const outputs = m.task === 'classification' ? m.classes!.length : 1;
  // With an input stage, the network reads the features by name; without one, as many values.
  const stage = net.input;
  const reads = stage ? stage.columns.map((c) => c.name) : null;
  if ((reads ? reads.join('\0') !== m.features.join('\0') : net.layers[0] !== m.features.length) || net.layers[net.layers.length - 1] !== outputs
    || (m.featureScaling === null && !hasCategorical(stage))) {
    net.dispose();
    throw bad('the network does not match its features or classes');
  }
  return { model: m as ModelFile, net };
}

function isScaling(s: unknown, width: number): s is Scaling {
  const v = s as Scaling;
  const ok = (a: unknown) => Array.isArray(a) && a.length === width && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  return typeof v === 'object' && v !== null && ok(v.mean) && ok(v.std);
}
