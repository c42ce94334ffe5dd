// `wasm-mlp train` on a file streamed from disk: a statistics pass, then each epoch reads the
// file again through a seeded shuffle buffer into `fitDataset`, so memory is bounded by the
// buffer and a few chunks of rows, whatever the file's size.
import type { MLP } from '../api/mlp.js';
import { UsageError } from './args.js';
import { scanCsv, type StreamPlan } from './csv-stream.js';
import { chunkSource } from './prefetch.js';
import { MetricTotals } from './metric-report.js';
import { modelFile, modelText, type ModelFile } from './model-file.js';
import { TrainingStop, saveTrainedModel, turnEventLoop } from './save-on-signal.js';
import { ProgressBar, type ProgressOutput } from './progress.js';
import { describeOptimizer } from './train-loop.js';
import { EarlyStop, createNetwork, headOf, type TrainSettings } from './train-network.js';
import { checkpointWithStage, scalingStage } from './input-stage.js';
import { epochRows, usesBatchNorm } from './last-batch.js';

/** Rows per chunk read ahead: a few MB for wide rows, and whole batches. */
const CHUNK_ROWS = 2048;

/** Trains on a CSV file without holding it in memory; reports and saves as the in-memory path does. */
export async function trainStreamed(s: TrainSettings, out: ProgressOutput): Promise<void> {
  const say = (line = '') => out.write(line + '\n');
  const scan = scanCsv(s.file, s.target, s.features, s.taskOption, s.validationSplit, s.seed);
  const { task, classes, features } = scan;
  if (scan.trainRows < 1) throw new UsageError(`--validation-split ${s.validationSplit} leaves no training rows of ${scan.rows}`);
  if (scan.codes) process.stderr.write(`wasm-mlp: note: ${s.file}, column "${s.target}" holds only the integers ${scan.codes.join(', ')}; training a regression on it. If they are class codes, add --task classification.\n`);
  const base: StreamPlan = {
    file: s.file, features, target: s.target,
    task, classes, featureScaling: scan.featureScaling, targetScaling: scan.targetScaling, validationSplit: s.validationSplit, seed: s.seed,
    role: 'train', shuffleBuffer: s.shuffleBuffer, pass: 0, chunkRows: Math.max(1, Math.floor(CHUNK_ROWS / s.batchSize)) * s.batchSize,
  };
  // A --validation file is read with the training file's columns, classes and scaling.
  const validationPlan = (scaled: boolean): StreamPlan | null => {
    const plan = { ...base, shuffleBuffer: 1, ...(scaled ? {} : { featureScaling: null, targetScaling: null }) };
    if (s.validationFile !== undefined) return { ...plan, file: s.validationFile, validationSplit: 0, role: 'all' };
    return scan.validationRows > 0 ? { ...plan, role: 'validation' } : null;
  };
  const { net, threadsNote } = await createNetwork(s, features.length, classes);
  try {
    say(`${s.file}: ${scan.rows} rows, ${features.length} features → ${s.target} (${task}${classes ? `, ${classes.length} classes: ${classes.join(', ')}` : ''}); streamed, shuffle buffer of ${s.shuffleBuffer} rows`);
    say(`network ${net.layers.join('-')} (${s.activation}, ${headOf(net)}), ${describeOptimizer(net.optimizer)}, ${scan.trainRows} training rows, ${s.validationFile !== undefined ? 'validation from ' + s.validationFile : `${scan.validationRows} validation rows`}, ${threadsNote}`);
    const perEpoch = epochRows(scan.trainRows, s.batchSize, usesBatchNorm(s.normalization), s.shuffleBuffer > 1);
    if (perEpoch.note) process.stderr.write(`wasm-mlp: note: ${perEpoch.note}\n`);
    const stopping = s.patience === null ? null : new EarlyStop(net, s.patience);
    const digits = String(s.epochs).length;
    const scaledValidation = validationPlan(true);
    const interrupt = TrainingStop.listen((line) => process.stderr.write(`wasm-mlp: ${line}\n`));
    try {
      for (let epoch = 0; epoch < s.epochs && !interrupt.requested; epoch++) {
        const bar = new ProgressBar(out, `epoch ${String(epoch + 1).padStart(digits)}/${s.epochs}`);
        const started = performance.now();
        let done = 0;
        let lossSum = 0;
        const state = (accuracy: number | null) => ({ done, total: perEpoch.rows, loss: lossSum / Math.max(done, 1), accuracy, seconds: (performance.now() - started) / 1000 });
        const history = await net.fitDataset(() => batches({ ...base, pass: epoch }, s.batchSize, perEpoch.rows < scan.trainRows), {
          epochs: 1,
          ...(s.schedule ? { learningRate: s.schedule(epoch) } : {}),
          ...(classes ? { metrics: ['accuracy' as const] } : {}),
          onBatchEnd: (_, logs) => {
            done += logs.size;
            lossSum += logs.loss * logs.size;
            bar.update(state(null));
            return !interrupt.requested;
          },
        });
        if (interrupt.requested) {
          bar.finish(state(null), 'interrupted');
          break;
        }
        const validationLoss = scaledValidation ? await streamedLoss(net, scaledValidation) : undefined;
        stopping?.observe(epoch, validationLoss ?? history.loss[0]);
        bar.finish(state(history.metrics.accuracy?.[0] ?? null), validationLoss === undefined ? undefined : `val loss ${validationLoss.toFixed(4)}`);
        if (stopping?.stopped) break;
      }
      const model = modelFile(net, { task, features, target: s.target, classes, featureScaling: scan.featureScaling, targetScaling: scan.targetScaling },
        checkpointWithStage(net, scalingStage(features, scan.featureScaling), classes));
      if (interrupt.requested) {
        // A signal saves at once: the metrics would be another pass over the file.
        saveTrainedModel(s.outPath, modelText(model), say, interrupt);
        return;
      }
      if (stopping) say(stopping.summary(scaledValidation ? 'validation' : 'training'));
      say();
      for (const line of (await streamedMetrics(model, net, { ...base, featureScaling: null, targetScaling: null, shuffleBuffer: 1 }, 'training')).lines) say(line);
      const rawValidation = validationPlan(false);
      if (rawValidation) for (const line of (await streamedMetrics(model, net, rawValidation, 'validation')).lines) say(line);
      saveTrainedModel(s.outPath, modelText(model), say, interrupt);
    } finally {
      interrupt.close();
    }
  } finally {
    net.dispose();
  }
}

/** The plan's rows as batches of `batchSize` (the last one may be smaller; one of 1 row is left out with `dropOneRow`), read ahead in chunks. */
export async function* batches(plan: StreamPlan, batchSize: number, dropOneRow = false): AsyncGenerator<{ x: Float32Array; y: Int32Array | Float32Array }> {
  const width = plan.features.length;
  for await (const chunk of chunkSource(plan)) {
    // A file parsed in this thread never waits for I/O: let a signal (SIGINT) in between chunks.
    await turnEventLoop();
    for (let from = 0; from < chunk.rows; from += batchSize) {
      const to = Math.min(from + batchSize, chunk.rows);
      if (dropOneRow && to - from === 1) continue;
      yield { x: chunk.X.subarray(from * width, to * width), y: chunk.Y.subarray(from, to) };
    }
  }
}

/** Mean loss over the plan's rows (standardised), read in chunks. */
async function streamedLoss(net: MLP, plan: StreamPlan): Promise<number> {
  let sum = 0;
  let rows = 0;
  for await (const chunk of chunkSource(plan)) {
    sum += net.loss(chunk.X, chunk.Y) * chunk.rows;
    rows += chunk.rows;
  }
  return sum / rows;
}

/** The model's report over the plan's rows (raw values), read in chunks. */
export async function streamedMetrics(model: ModelFile, net: MLP, plan: StreamPlan, name: string): Promise<{ rows: number; lines: string[] }> {
  const totals = new MetricTotals(model);
  for await (const chunk of chunkSource(plan)) totals.add(net, chunk.X, chunk.Y, chunk.rows);
  return { rows: totals.rows, lines: totals.lines(name) };
}
