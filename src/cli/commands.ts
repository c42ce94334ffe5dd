import { readFileSync } from 'node:fs';
import { MLP } from '../mlp.js';
import { batchesUseThreads } from '../threads/support.js';
import { ACTIVATIONS } from '../options.js';
import { FormatError } from '../errors.js';
import { Random } from '../random.js';
import { parseCsv, csvField, type CsvTable } from './csv.js';
import { applyScaling, featureMatrix, fitScaling, inferTask, targetColumn, undoScaling, type Task } from './table.js';
import { EarlyStopping } from '../training/early-stopping.js';
import { loadModelFile, modelFile, saveModelFile, type ModelFile } from './model-file.js';
import { EXPORT_FORMATS, writeExport, writeOnnxExport } from './export.js';
import { ONNX_OPSET } from '../io/onnx.js';
import { argmaxRows, confusionMatrix, describeOptimizer, formatConfusion, takeRows, trainWithProgress, type Samples } from './train-loop.js';
import { UsageError, choiceOption, intOption, numberOption, type ParsedArgs } from './args.js';
import { LearningRateSchedule, type ScheduleSpec } from '../training/schedules.js';
import type { ProgressOutput } from './progress.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';

const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');
/** Losses of a regression target (`--loss`). */
const REGRESSION_LOSSES = ['mse', 'l1', 'huber', 'smooth-l1'] as const;
/** The network's optimizers (`setOptimizer` types). */
const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const;

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
  const optimizer = choiceOption(args, 'optimizer', 'adam', OPTIMIZERS);
  const learningRate = numberOption(args, 'learning-rate', 0.01, 0, Infinity, true);
  const momentum = numberOption(args, 'momentum', 0, 0, 1);
  if (momentum > 0 && optimizer !== 'sgd' && optimizer !== 'rmsprop') throw new UsageError(`--momentum applies to sgd and rmsprop, not ${optimizer}`);
  const validationFile = args.options.get('validation');
  if (validationFile !== undefined && args.options.has('validation-split')) throw new UsageError('give --validation (a file) or --validation-split, not both');
  const validationSplit = validationFile === undefined ? numberOption(args, 'validation-split', 0.2, 0, 1) : 0;
  const seed = intOption(args, 'seed', 0, 0);
  const dtype = choiceOption(args, 'dtype', 'float32', ['float32', 'float64'] as const);
  const threadsRequest = threadsOption(args);
  const dropout = numberOption(args, 'dropout', 0, 0, 1);
  const schedule = scheduleOption(args, learningRate, epochs);
  const patience = args.options.has('early-stopping') ? intOption(args, 'early-stopping', 0, 1) : null;
  const outPath = args.options.get('out') ?? 'model.wmlp';
  checkOutputFile(outPath, '--out');
  const taskOption = choiceOption(args, 'task', 'auto', ['auto', 'classification', 'regression'] as const);
  const regressionLoss = choiceOption(args, 'loss', 'mse', REGRESSION_LOSSES);

  const table = readCsv(file);
  const { task, classes } = inferTask(table, target, taskOption);
  if (classes && args.options.has('loss')) throw new UsageError(`--loss ${regressionLoss} is for regression; "${target}" is a classification target (softmax + cross-entropy)`);
  const codes = taskOption === 'auto' && task === 'regression' ? classCodes(table, target) : null;
  if (codes) process.stderr.write(`wasm-mlp: note: ${file}, column "${target}" holds only the integers ${codes.join(', ')}; training a regression on it. If they are class codes, add --task classification.\n`);
  const chosen = args.options.get('features')?.split(',').map((c) => c.trim());
  const repeated = chosen?.find((c, i) => chosen.indexOf(c) !== i);
  if (repeated !== undefined) throw new UsageError(`--features names "${repeated}" twice`);
  const features = chosen ?? table.columns.filter((c) => c !== target);
  if (features.includes(target)) throw new UsageError(`--features must not include the target "${target}"`);
  if (features.length === 0) throw new FormatError(`${file}: no feature columns besides the target "${target}"`);
  const all: Samples = { X: featureMatrix(table, features), Y: targetColumn(table, target, task, classes), rows: table.rows.length };

  // A seeded split, so the same command gives the same model.
  const order = Int32Array.from({ length: all.rows }, (_, i) => i);
  new Random(seed).shuffle(order);
  const validationRows = Math.round(all.rows * validationSplit);
  if (all.rows - validationRows < 1) throw new UsageError(`--validation-split ${validationSplit} leaves no training rows of ${all.rows}`);
  const trainSet = takeRows(all, order.subarray(validationRows));
  const validation = validationFile !== undefined ? readSamples(validationFile, features, target, task, classes)
    : validationRows > 0 ? takeRows(all, order.subarray(0, validationRows)) : null;

  // Statistics from the training rows only, so validation stays unseen.
  const featureScaling = fitScaling(trainSet.X, features.length);
  const targetScaling = task === 'regression' ? fitScaling(trainSet.Y as Float32Array, 1) : null;
  const scale = (s: Samples): Samples => ({
    X: applyScaling(s.X.slice(), featureScaling), Y: targetScaling ? applyScaling(s.Y.slice() as Float32Array, targetScaling) : s.Y, rows: s.rows,
  });
  const outputs = classes ? classes.length : 1;
  const layers = [features.length, ...hidden, outputs];
  const threads = trainingThreads(threadsRequest, batchSize, layers);
  const net = await MLP.create({
    layers,
    activations: [...hidden.map(() => activation), classes ? 'softmax' : 'linear'],
    loss: classes ? 'cross-entropy' : regressionLoss,
    seed, dtype, threads, ...(hidden.length && dropout > 0 ? { dropout } : {}),
  });
  net.setOptimizer(optimizer === 'sgd' || optimizer === 'rmsprop' ? { type: optimizer, learningRate, momentum } : { type: optimizer, learningRate });
  try {
    say(`${file}: ${all.rows} rows, ${features.length} features → ${target} (${task}${classes ? `, ${classes.length} classes: ${classes.join(', ')}` : ''})`);
    say(`network ${net.layers.join('-')} (${activation}, ${classes ? 'softmax + cross-entropy' : `linear + ${regressionLoss}`}), ${describeOptimizer(net.optimizer)}, ${trainSet.rows} training rows, ${validation?.rows ?? 0} validation rows, ${threadsNote(net, threadsRequest === threads ? null : `batches of ${batchSize} rows are too small to gain from more`)}`);
    const scaledTrain = scale(trainSet);
    const scaledValidation = validation && scale(validation);
    const stopping = patience === null ? null : new EarlyStop(net, patience);
    trainWithProgress(net, scaledTrain, {
      epochs, batchSize, fit: {}, schedule, classes: classes ? classes.length : null, seed, out,
      afterEpoch: (epoch) => {
        const valLoss = scaledValidation ? net.loss(scaledValidation.X, scaledValidation.Y) : undefined;
        stopping?.observe(epoch, valLoss ?? net.loss(scaledTrain.X, scaledTrain.Y));
        return valLoss === undefined ? undefined : `val loss ${valLoss.toFixed(4)}`;
      },
      stop: () => stopping?.stopped ?? false,
    });
    if (stopping) say(stopping.summary(scaledValidation ? 'validation' : 'training'));
    const model = modelFile(net, { task, features, target, classes, featureScaling, targetScaling });
    say();
    for (const line of metricLines(model, net, trainSet, 'training')) say(line);
    if (validation) for (const line of metricLines(model, net, validation, 'validation')) say(line);
    saveModelFile(outPath, model);
    say(`saved the model to ${outPath}`);
  } finally {
    net.dispose();
  }
}

/** `wasm-mlp predict model.wmlp data.csv [--out predictions.csv]`. */
export async function predict(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const [modelPath, file] = twoPositionals(args);
  const outPath = args.options.get('out');
  if (outPath !== undefined) checkOutputFile(outPath, '--out');
  const { model, net } = await loadModelFile(modelPath);
  try {
    const table = readCsv(file);
    const outputs = predictRows(model, net, featureMatrix(table, model.features));
    const header = [...table.columns, `predicted ${model.target}`];
    if (model.classes) header.push(...model.classes.map((c) => `p(${c})`));
    const lines = [header.map(csvField).join(',')];
    const width = model.classes ? model.classes.length : 1;
    table.rows.forEach((row, i) => {
      const values = Array.from(outputs.subarray(i * width, (i + 1) * width));
      const cells = model.classes
        ? [model.classes[argmaxRows(values, width)[0]], ...values.map((p) => p.toPrecision(6))]
        : [String(Number(values[0].toPrecision(7)))];
      lines.push([...row, ...cells].map(csvField).join(','));
    });
    const text = lines.join('\n') + '\n';
    if (outPath !== undefined) {
      writeOutputFile(outPath, text);
      process.stderr.write(`wrote ${table.rows.length} predictions to ${outPath}\n`);
    } else {
      out.write(text);
    }
  } finally {
    net.dispose();
  }
}

/** `wasm-mlp evaluate model.wmlp data.csv`: the model's metrics on labelled rows. */
export async function evaluate(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const [modelPath, file] = twoPositionals(args);
  const { model, net } = await loadModelFile(modelPath);
  try {
    const table = readCsv(file);
    const data: Samples = { X: featureMatrix(table, model.features), Y: targetColumn(table, model.target, model.task, model.classes), rows: table.rows.length };
    out.write(`${file}: ${data.rows} rows, model ${modelPath} (${model.task} of ${model.target})\n`);
    for (const line of metricLines(model, net, data, 'evaluation')) out.write(line + '\n');
  } finally {
    net.dispose();
  }
}

/** `wasm-mlp export model.wmlp [--format module|onnx] [--out file]`: the model as a dependency-free ES module, or as ONNX. */
export async function exportModel(args: ParsedArgs, out: ProgressOutput): Promise<void> {
  const modelPath = onePositional(args, 'a model file');
  const format = choiceOption(args, 'format', 'module', EXPORT_FORMATS);
  const outPath = args.options.get('out') ?? modelPath.replace(/\.wmlp$/, '') + (format === 'onnx' ? '.onnx' : '.mjs');
  checkOutputFile(outPath, args.options.has('out') ? '--out' : 'the output file');
  const { model, net } = await loadModelFile(modelPath);
  try {
    if (format === 'onnx') {
      writeOnnxExport(outPath, model, net);
      out.write(`wrote ${outPath}: ONNX (opset ${ONNX_OPSET}), input "input" = raw ${model.features.join(', ')} (batch × ${model.features.length}), output "output" = ${model.classes ? `p(${model.classes.join(', ')})` : `${model.target} in its units`}\n`);
    } else {
      writeExport(outPath, model, net, modelPath);
      out.write(`wrote ${outPath}: exports predictRows(rows) on raw ${model.features.join(', ')}, and predict, features, target, classes\n`);
    }
  } finally {
    net.dispose();
  }
}

/** Outputs in the target's own units: class probabilities, or de-standardised numbers. */
function predictRows(model: ModelFile, net: MLP, rawX: Float32Array): Float32Array {
  const outputs = net.predict(applyScaling(rawX.slice(), model.featureScaling)) as Float32Array;
  return model.targetScaling ? undoScaling(outputs, model.targetScaling) : outputs;
}

/** Accuracy, cross-entropy and a confusion matrix; or MSE, RMSE, MAE and R², in the target's units. */
function metricLines(model: ModelFile, net: MLP, data: Samples, name: string): string[] {
  const outputs = predictRows(model, net, data.X);
  if (model.classes) {
    const classes = model.classes.length;
    const predicted = argmaxRows(outputs, classes);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < data.rows; i++) {
      if (predicted[i] === data.Y[i]) correct++;
      loss -= Math.log(Math.max(outputs[i * classes + data.Y[i]], 1e-12)) / data.rows;
    }
    return [
      `${name}: accuracy ${(100 * correct / data.rows).toFixed(2)}% (${correct} of ${data.rows}), cross-entropy ${loss.toFixed(4)}`,
      ...formatConfusion(confusionMatrix(data.Y, predicted, classes), model.classes).map((l) => '  ' + l),
    ];
  }
  let squared = 0;
  let absolute = 0;
  let mean = 0;
  for (let i = 0; i < data.rows; i++) mean += data.Y[i] / data.rows;
  let variance = 0;
  for (let i = 0; i < data.rows; i++) {
    const error = outputs[i] - data.Y[i];
    squared += error * error / data.rows;
    absolute += Math.abs(error) / data.rows;
    variance += (data.Y[i] - mean) ** 2 / data.rows;
  }
  const r2 = variance > 0 ? 1 - squared / variance : NaN;
  return [`${name}: MSE ${fmt(squared)}, RMSE ${fmt(Math.sqrt(squared))}, MAE ${fmt(absolute)}, R² ${r2.toFixed(4)}`];
}

function fmt(v: number): string {
  return Number(v.toPrecision(5)).toString();
}

function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FormatError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseCsv(text, file);
}

/** How many threads the network may train on, and why only one when it is one. */
function threadsNote(net: MLP, why: string | null): string {
  const reason = why ?? net.threadsFallbackReason;
  return `up to ${net.threads} thread${net.threads === 1 ? '' : 's'}${reason ? ` (${reason})` : ''}`;
}

/**
 * 'auto' starts worker threads only when a batch is worth more than one thread: on smaller
 * batches every step runs on one anyway, and starting the workers would cost more than it saves.
 */
function trainingThreads(request: number | 'auto', batchSize: number, layers: number[]): number | 'auto' {
  if (request !== 'auto') return request;
  const parameters = layers.slice(1).reduce((sum, units, l) => sum + (layers[l] + 1) * units, 0);
  return batchesUseThreads(batchSize, parameters) ? 'auto' : 1;
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

/** `--early-stopping N`: stop after N epochs without a lower loss, then put back the best epoch's parameters. */
class EarlyStop {
  private readonly rule: EarlyStopping;
  private bestParameters: ArrayLike<number> | null = null;
  stopped = false;

  constructor(private readonly net: MLP, private readonly patience: number) {
    this.rule = new EarlyStopping({ monitor: 'loss', patience, minDelta: 0, restoreBest: true });
  }

  observe(epoch: number, loss: number): void {
    const { improved, stop } = this.rule.update(epoch, loss);
    if (improved) this.bestParameters = this.net.getParameters();
    if (stop && this.bestParameters) this.net.setParameters(this.bestParameters);
    this.stopped = stop;
  }

  summary(on: string): string {
    const kept = `epoch ${this.rule.bestEpoch + 1} (${on} loss ${this.rule.best.toFixed(4)})`;
    return this.stopped ? `early stopping: no lower ${on} loss for ${this.patience} epochs; kept ${kept}` : `early stopping: did not stop; the best was ${kept}`;
  }
}

/** A numeric target whose cells are a few small integers looks like class codes: they are returned, else null. */
function classCodes(table: CsvTable, target: string): number[] | null {
  const column = table.columns.indexOf(target);
  const values = new Set(table.rows.map((row) => Number(row[column])));
  const codes = [...values].sort((a, b) => a - b);
  const few = codes.length >= 2 && codes.length <= 10 && table.rows.length >= 3 * codes.length;
  return few && codes.every((v) => Number.isInteger(v) && v >= 0 && v < 100) ? codes : null;
}

/** A second CSV (`--validation`) read with the training file's columns, task and classes. */
function readSamples(file: string, features: string[], target: string, task: Task, classes: string[] | null): Samples {
  const table = readCsv(file);
  return { X: featureMatrix(table, features), Y: targetColumn(table, target, task, classes), rows: table.rows.length };
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
