import { statSync } from 'node:fs';
import type { MLP } from '../api/mlp.js';
import { NORMALIZATIONS, type Normalization } from '../model/options.js';
import { OPTIMIZER_TYPES, optimizerOptionNames } from '../registry/optimizers.js';
import { HIDDEN_ACTIVATIONS, MOMENTUM_OPTIMIZERS } from './help-lists.js';
import { REGRESSION_LOSSES } from '../registry/losses.js';
import { didYouMean } from '../core/suggest.js';
import { FormatError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { readCsvTable, type CsvTable } from './csv.js';
import { applyScaling, featureMatrix, fitScaling, inferTask, targetColumn, type Task } from './table.js';
import { DEFAULT_MODEL_FILE, loadModelFile, modelFile, modelText, type ModelFile } from './model-file.js';
import { freshSeed } from '../core/seed.js';
import { TrainingStop, saveTrainedModel } from './save-on-signal.js';
import { epochRows, usesBatchNorm } from './last-batch.js';
import { EXPORT_FORMATS, writeExport, writeOnnxExport } from './export.js';
import { onnxOpsetOf } from '../io/onnx.js';
import { WEIGHT_FORMATS } from '../quantize/model.js';
import { describeOptimizer, takeRows, trainWithProgress, type Samples } from './train-loop.js';
import { MetricTotals } from './metric-report.js';
import { DEFAULT_SHUFFLE_BUFFER, EarlyStop, STREAM_ABOVE_BYTES, createNetwork, headOf, type TrainSettings } from './train-network.js';
import { streamedMetrics, trainStreamed } from './stream-train.js';
import { predictStreamed } from './predict-stream.js';
import type { StreamPlan } from './csv-stream.js';
import { UsageError, choiceOption, intOption, numberOption, type ParsedArgs } from './args.js';
import { LearningRateSchedule, type ScheduleSpec } from '../training/schedules.js';
import type { ProgressOutput } from './progress.js';
import { checkOutputFile } from './output-file.js';
import { categoricalFeatures, categoricalOption, checkpointWithStage, encodeFeatureRows, fitFeatureStage, rawFeatureRows, scalingStage } from './input-stage.js';
import type { InputStage } from '../preprocessing/stage.js';


/** `wasm-mlp train data.csv --target col …`: fits, reports, saves. */
export async function train(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const say = (line = '') => out.write(line + '\n');
  const file = onePositional(args, 'a CSV file');
  const target = args.options.get('target');
  if (!target) throw new UsageError('train needs --target <column>, the column to predict');
  const hidden = layersOption(args);
  const activation = choiceOption(args, 'activation', 'relu', HIDDEN_ACTIVATIONS);
  const epochs = intOption(args, 'epochs', 50, 1);
  const batchSize = intOption(args, 'batch-size', 16, 1);
  const optimizer = choiceOption(args, 'optimizer', 'adam', OPTIMIZER_TYPES);
  const learningRate = numberOption(args, 'learning-rate', 0.01, 0, Infinity, true);
  const momentum = numberOption(args, 'momentum', 0, 0, 1);
  if (momentum > 0 && !optimizerOptionNames(optimizer).includes('momentum')) throw new UsageError(`--momentum applies to ${MOMENTUM_OPTIMIZERS.join(' and ')}, not ${optimizer}`);
  const validationFile = args.options.get('validation');
  if (validationFile !== undefined && args.options.has('validation-split')) throw new UsageError('give --validation (a file) or --validation-split, not both');
  const validationSplit = validationFile === undefined ? numberOption(args, 'validation-split', 0.2, 0, 1) : 0;
  // No --seed: a fresh one, printed, so the run can still be repeated.
  const seed = args.options.has('seed') ? intOption(args, 'seed', 0, 0) : freshSeed();
  const dtype = choiceOption(args, 'dtype', 'float32', ['float32', 'float64'] as const);
  const threads = threadsOption(args);
  const dropout = numberOption(args, 'dropout', 0, 0, 1);
  const normalization = normalizationOption(args, hidden.length);
  const schedule = scheduleOption(args, learningRate, epochs);
  const patience = args.options.has('early-stopping') ? intOption(args, 'early-stopping', 0, 1) : null;
  const outPath = args.options.get('out') ?? DEFAULT_MODEL_FILE;
  checkOutputFile(outPath, '--out');
  const taskOption = choiceOption(args, 'task', 'auto', ['auto', 'classification', 'regression'] as const);
  const loss = args.options.has('loss') ? choiceOption(args, 'loss', 'mse', REGRESSION_LOSSES) : null;
  const chosen = args.options.get('features')?.split(',').map((c) => c.trim());
  const repeated = chosen?.find((c, i) => chosen.indexOf(c) !== i);
  if (repeated !== undefined) throw new UsageError(`--features names "${repeated}" twice`);
  if (chosen?.includes(target)) throw new UsageError(`--features must not include the target "${target}"`);
  const shuffleBuffer = args.options.has('shuffle-buffer') ? intOption(args, 'shuffle-buffer', 0, 1) : null;
  const classWeights = classWeightsOption(args);
  const categoricalChoice = categoricalOption(args.options.get('categorical'), chosen ?? null, target);
  const labelSmoothing = numberOption(args, 'label-smoothing', 0, 0, 1);
  const settings: TrainSettings = {
    file, target, features: chosen ?? null, hidden, activation, epochs, batchSize, optimizer, learningRate, momentum, validationFile, validationSplit,
    seed, dtype, threads, dropout, normalization, schedule, patience, outPath, taskOption, loss, shuffleBuffer: shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER,
    classWeights, labelSmoothing,
  };
  say(args.options.has('seed') ? `seed ${seed}` : `seed ${seed} (drawn; --seed ${seed} repeats this run)`);
  if (shuffleBuffer !== null || fileBytes(file) > STREAM_ABOVE_BYTES) {
    if (categoricalChoice !== null) throw new UsageError('--categorical needs the file in memory (its categories are fitted from the rows); a streamed file (over 32 MiB, or --shuffle-buffer) takes numeric features only: leave text columns out with --features');
    if (shuffleBuffer === null) process.stderr.write(`wasm-mlp: note: ${file} is ${(fileBytes(file) / 2 ** 20).toFixed(0)} MiB; streaming it through a shuffle buffer of ${DEFAULT_SHUFFLE_BUFFER} rows (--shuffle-buffer N to choose)\n`);
    return trainStreamed(settings, out);
  }

  const table = readCsv(file);
  const { task, classes } = inferTask(table, target, taskOption);
  const codes = taskOption === 'auto' && task === 'regression' ? classCodes(table, target) : null;
  if (codes) process.stderr.write(`wasm-mlp: note: ${file}, column "${target}" holds only the integers ${codes.join(', ')}; training a regression on it. If they are class codes, add --task classification.\n`);
  const features = chosen ?? table.columns.filter((c) => c !== target);
  if (features.length === 0) throw new FormatError(`${file}: no feature columns besides the target "${target}"`);
  const categorical = categoricalFeatures(table, features, categoricalChoice);
  // With categorical features, rows are read as cells and encoded by a stage fitted below.
  const cells = categorical.size > 0 ? rawFeatureRows(table, features, categorical) : null;
  const all: Samples = { X: cells ? new Float32Array(0) : featureMatrix(table, features), Y: targetColumn(table, target, task, classes), rows: table.rows.length };

  // A seeded split, so the same command gives the same model.
  const order = Int32Array.from({ length: all.rows }, (_, i) => i);
  new Random(seed).shuffle(order);
  const validationRows = Math.round(all.rows * validationSplit);
  if (all.rows - validationRows < 1) throw new UsageError(`--validation-split ${validationSplit} leaves no training rows of ${all.rows}`);
  // Statistics from the training rows only, so validation stays unseen.
  let stage: InputStage | null = null;
  if (cells) {
    stage = fitFeatureStage(Array.from(order.subarray(validationRows), (i) => cells[i]), features, categorical);
    all.X = encodeFeatureRows(stage, cells);
  }
  const trainSet = takeRows(all, order.subarray(validationRows));
  const validation = validationFile !== undefined ? readSamples(validationFile, features, target, task, classes, stage)
    : validationRows > 0 ? takeRows(all, order.subarray(0, validationRows)) : null;
  const featureScaling = stage ? null : fitScaling(trainSet.X, features.length);
  const targetScaling = task === 'regression' ? fitScaling(trainSet.Y as Float32Array, 1) : null;
  const scale = (s: Samples): Samples => ({
    X: featureScaling ? applyScaling(s.X.slice(), featureScaling) : s.X, Y: targetScaling ? applyScaling(s.Y.slice() as Float32Array, targetScaling) : s.Y, rows: s.rows,
  });
  const { net, threadsNote } = await createNetwork(settings, stage ? stage.width : features.length, classes, classes ? (trainSet.Y as Int32Array) : null);
  try {
    const encoded = stage ? `; ${stage.columns.filter((c) => c.type === 'one-hot').map((c) => `${c.name} one-hot (${c.type === 'one-hot' ? c.categories.length : 0} categories)`).join(', ')}` : '';
    say(`${file}: ${all.rows} rows, ${features.length} features${encoded} → ${target} (${task}${classes ? `, ${classes.length} classes: ${classes.join(', ')}` : ''})`);
    say(`network ${net.layers.join('-')} (${activation}, ${headOf(net)}), ${describeOptimizer(net.optimizer)}, ${trainSet.rows} training rows, ${validation?.rows ?? 0} validation rows, ${threadsNote}`);
    const scaledTrain = scale(trainSet);
    const scaledValidation = validation && scale(validation);
    const perEpoch = epochRows(trainSet.rows, batchSize, usesBatchNorm(normalization), true);
    if (perEpoch.note) process.stderr.write(`wasm-mlp: note: ${perEpoch.note}\n`);
    const stopping = patience === null ? null : new EarlyStop(net, patience);
    const interrupt = TrainingStop.listen((line) => process.stderr.write(`wasm-mlp: ${line}\n`));
    try {
      await trainWithProgress(net, scaledTrain, {
        epochs, batchSize, fit: {}, schedule, classes: classes ? classes.length : null, seed, out,
        afterEpoch: (epoch) => {
          const valLoss = scaledValidation ? net.loss(scaledValidation.X, scaledValidation.Y) : undefined;
          stopping?.observe(epoch, valLoss ?? net.loss(scaledTrain.X, scaledTrain.Y));
          return valLoss === undefined ? undefined : `val loss ${valLoss.toFixed(4)}`;
        },
        stop: () => stopping?.stopped ?? false,
        interrupted: () => interrupt.requested,
        rowsPerEpoch: perEpoch.rows,
      });
      if (stopping && !interrupt.requested) say(stopping.summary(scaledValidation ? 'validation' : 'training'));
      // The saved network standardises (and one-hot encodes) raw rows itself, and names its classes.
      const model = modelFile(net, { task, features, target, classes, featureScaling, targetScaling }, checkpointWithStage(net, stage ?? scalingStage(features, featureScaling!), classes));
      say();
      if (!interrupt.requested) for (const line of metricLines(model, net, trainSet, 'training')) say(line);
      if (validation && !interrupt.requested) for (const line of metricLines(model, net, validation, 'validation')) say(line);
      saveTrainedModel(outPath, modelText(model), say, interrupt);
    } finally {
      interrupt.close();
    }
  } finally {
    net.dispose();
  }
}

/** `--class-weights balanced` or `--class-weights 1,2.5,…` (positive numbers), or null. */
function classWeightsOption(args: ParsedArgs): 'balanced' | number[] | null {
  const raw = args.options.get('class-weights');
  if (raw === undefined) return null;
  if (raw === 'balanced') return raw;
  const weights = raw.split(',').map((v) => v.trim());
  const bad = weights.find((v) => !/^([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i.test(v) || !(Number(v) > 0) || !Number.isFinite(Number(v)));
  if (bad !== undefined) throw new UsageError(`--class-weights must be balanced or positive numbers separated by commas (one per class), got "${raw}"`);
  return weights.map(Number);
}

/** `wasm-mlp predict model.json data.csv [--out predictions.csv]`. */
export async function predict(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const [modelPath, file] = twoPositionals(args);
  const outPath = args.options.get('out');
  if (outPath !== undefined) checkOutputFile(outPath, '--out');
  const { model, net } = await loadModelFile(modelPath);
  try {
    const rows = predictStreamed(model, net, file, outPath ?? out);
    if (outPath !== undefined) process.stderr.write(`wrote ${rows} predictions to ${outPath}\n`);
  } finally {
    net.dispose();
  }
}

/** `wasm-mlp evaluate model.json data.csv`: the model's metrics on labelled rows. */
export async function evaluate(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const [modelPath, file] = twoPositionals(args);
  const { model, net } = await loadModelFile(modelPath);
  try {
    const text = new Set(net.input?.columns.filter((c) => c.type === 'one-hot').map((c) => c.name));
    if (text.size > 0) {
      // Text cells are not a numeric stream: the file is read into memory and given to the network as cells.
      const table = readCsv(file);
      const totals = new MetricTotals(model);
      totals.add(net, rawFeatureRows(table, model.features, text), targetColumn(table, model.target, model.task, model.classes), table.rows.length);
      out.write(`${file}: ${table.rows.length} rows, model ${modelPath} (${model.task} of ${model.target})\n`);
      for (const line of totals.lines('evaluation')) out.write(line + '\n');
      return;
    }
    const plan: StreamPlan = {
      file, features: model.features, target: model.target, task: model.task, classes: model.classes, featureScaling: null, targetScaling: null,
      validationSplit: 0, seed: 0, role: 'all', shuffleBuffer: 1, pass: 0, chunkRows: 2048,
    };
    const lines = await streamedMetrics(model, net, plan, 'evaluation');
    out.write(`${file}: ${lines.rows} rows, model ${modelPath} (${model.task} of ${model.target})\n`);
    for (const line of lines.lines) out.write(line + '\n');
  } finally {
    net.dispose();
  }
}

/** `wasm-mlp export model.json [--format module|onnx] [--quantize int8|float16] [--out file]`: the model as a dependency-free ES module, or as ONNX. */
export async function exportModel(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const modelPath = onePositional(args, 'a model file');
  const format = choiceOption(args, 'format', 'module', EXPORT_FORMATS);
  const quantize = args.options.has('quantize') ? choiceOption(args, 'quantize', 'int8', WEIGHT_FORMATS) : undefined;
  const outPath = args.options.get('out') ?? modelPath.replace(/\.(json|wmlp)$/, '') + (format === 'onnx' ? '.onnx' : '.mjs');
  checkOutputFile(outPath, args.options.has('out') ? '--out' : 'the output file');
  const { model, net } = await loadModelFile(modelPath);
  try {
    if (format === 'onnx') {
      writeOnnxExport(outPath, model, net, quantize);
      out.write(`wrote ${outPath}: ONNX (opset ${onnxOpsetOf(net.architecture.activations)}), input "input" = raw ${model.features.join(', ')} (batch × ${model.features.length}), output "output" = ${model.classes ? `p(${model.classes.join(', ')})` : `${model.target} in its units`}\n`);
    } else {
      writeExport(outPath, model, net, modelPath, quantize);
      out.write(`wrote ${outPath}: exports predictRows(rows) on raw ${model.features.join(', ')}, and predict, features, target, classes${quantize ? ` (${quantize} weights)` : ''}\n`);
    }
  } finally {
    net.dispose();
  }
}

/** The report of a model on samples held in memory. */
function metricLines(model: ModelFile, net: MLP, data: Samples, name: string): string[] {
  const totals = new MetricTotals(model);
  totals.add(net, data.X, data.Y, data.rows);
  return totals.lines(name);
}

/** The file's size, or 0 when it cannot be read (reading it then says why). */
function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readCsv(file: string): CsvTable {
  return readCsvTable(file);
}

/** `--threads N|auto` (default auto), as MLP.create's `threads`: batches too small to gain stay on one thread either way. */
function threadsOption(args: ParsedArgs): number | 'auto' {
  const value = args.options.get('threads');
  return value === undefined || value === 'auto' ? 'auto' : intOption(args, 'threads', 1, 1);
}

/**
 * `--schedule cosine[:etaMin] | step:stepSize[:gamma] | exponential:gamma | none`, as fit's
 * schedules (torch.optim.lr_scheduler), evaluated per epoch from the learning rate.
 */
function scheduleOption(args: ParsedArgs, learningRate: number, epochs: number): ((epoch: number) => number) | undefined {
  const raw = args.options.get('schedule');
  if (raw === undefined || raw === 'none') return undefined;
  const [type, ...rest] = raw.split(':');
  const numbers = rest.map(Number);
  const bad = () => new UsageError(`--schedule must be cosine[:etaMin], step:stepSize[:gamma], exponential:gamma or none, got "${raw}"`);
  if (numbers.some((n) => !Number.isFinite(n) || n < 0)) throw bad();
  let spec: ScheduleSpec;
  if (type === 'cosine' && numbers.length <= 1) spec = { type, tMax: epochs, etaMin: numbers[0] ?? learningRate / 100 };
  else if (type === 'step' && (numbers.length === 1 || numbers.length === 2) && Number.isInteger(numbers[0]) && numbers[0] >= 1) spec = { type, stepSize: numbers[0], gamma: numbers[1] ?? 0.1 };
  else if (type === 'exponential' && numbers.length === 1) spec = { type, gamma: numbers[0] };
  else throw bad();
  const schedule = new LearningRateSchedule(spec, learningRate);
  return (epoch) => schedule.rate(epoch);
}

/** A numeric target whose cells are a few small integers looks like class codes: they are returned, else null. */
function classCodes(table: CsvTable, target: string): number[] | null {
  const column = table.columns.indexOf(target);
  const values = new Set(table.rows.map((row) => Number(row[column])));
  const codes = [...values].sort((a, b) => a - b);
  const few = codes.length >= 2 && codes.length <= 10 && table.rows.length >= 3 * codes.length;
  return few && codes.every((v) => Number.isInteger(v) && v >= 0 && v < 100) ? codes : null;
}

/** A second CSV (`--validation`) read with the training file's columns, task, classes and input stage (if it has categorical features). */
function readSamples(file: string, features: string[], target: string, task: Task, classes: string[] | null, stage: InputStage | null): Samples {
  const table = readCsv(file);
  const categorical = new Set(stage?.columns.filter((c) => c.type === 'one-hot').map((c) => c.name));
  const X = stage ? encodeFeatureRows(stage, rawFeatureRows(table, features, categorical)) : featureMatrix(table, features);
  return { X, Y: targetColumn(table, target, task, classes), rows: table.rows.length };
}

function layersOption(args: ParsedArgs): number[] {
  const raw = args.options.get('layers') ?? '32';
  const parts = raw.split(',');
  const sizes = parts.map(Number);
  if (parts.some((s) => !INTEGER.test(s)) || sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new UsageError(`--layers must be hidden layer sizes separated by commas, e.g. 64,32, got "${raw}"`);
  }
  return sizes;
}

/** --normalization: one name for every hidden layer, or one per hidden layer ('none' for none). */
function normalizationOption(args: ParsedArgs, hidden: number): (Normalization | null)[] {
  const raw = args.options.get('normalization');
  if (raw === undefined) return new Array<null>(hidden).fill(null);
  const names = raw.split(',').map((n) => n.trim());
  const choices = [...NORMALIZATIONS, 'none'];
  const bad = names.find((n) => !choices.includes(n));
  if (bad !== undefined) {
    const hint = didYouMean(bad, choices, true);
    throw new UsageError(`--normalization takes ${choices.join(', ')} (one for every hidden layer, or one per hidden layer), got "${bad}"${hint ? `; ${hint}` : ''}`);
  }
  if (names.length !== 1 && names.length !== hidden) throw new UsageError(`--normalization has ${names.length} entries, but --layers gives ${hidden} hidden layers (give one, or one per hidden layer)`);
  const per = names.length === 1 ? new Array<string>(hidden).fill(names[0]) : names;
  return per.map((n) => (n === 'none' ? null : (n as Normalization)));
}

/** Digits only: Number() would also take "0x10", " 1 ", "1e3" and "". */
const INTEGER = /^[0-9]+$/;

function onePositional(args: ParsedArgs, what: string): string {
  if (args.positional.length !== 1) throw new UsageError(`expected ${what}, got ${args.positional.length} arguments`);
  return args.positional[0];
}

function twoPositionals(args: ParsedArgs): [string, string] {
  if (args.positional.length !== 2) throw new UsageError(`expected a model file and a CSV file, got ${args.positional.length} arguments`);
  return [args.positional[0], args.positional[1]];
}
