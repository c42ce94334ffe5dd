// One harness, every way to train: fit, fitAsync and fitAsync({ worker: true }), on 1 and 2
// threads and both backends, over the fit options, must end with the same θ, optimizer state,
// generators and counters (net.save() byte for byte), the same history (every field; elapsedMs
// by length, being wall-clock time), the same stop reason and the same callback calls. The one
// documented difference: an abort in the middle of an epoch keeps that partial epoch in fit and
// undoes it in fitAsync, which then equals fit aborted at the start of that epoch.
// It runs the compiled package (dist/, built by `npm test`'s pretest) so the worker script exists.
import { describe, expect, it } from 'vitest';
import { MLP, type Backend, type FitHistory, type FitOptions } from '../dist/index.js';
import { setWorkPerThread } from '../dist/wasm/shared-engine.js';
import { Random } from '../src/core/random.js';

// Small, so the harness stays quick; every batch is split over both threads however small
// (in a worker's own copy of the library, small batches run on one thread, bit-identically).
setWorkPerThread(0);
const spec = { layers: [6, 16, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 11 } as const;
const ROWS = 60;
const BATCH = 16; // batches of 16, 16, 16, 12 (fewer rows once validation is held out)

function dataset(seed: number) {
  const random = new Random(seed);
  const X = Float32Array.from({ length: ROWS * 6 }, () => random.normal());
  const Y = Int32Array.from({ length: ROWS }, (_, i) => (X[i * 6] > 0.4 ? 2 : X[i * 6 + 1] > 0 ? 1 : 0));
  return { X, Y };
}
const train = dataset(1);
const held = dataset(2);

/** What a scenario adds to fit's options; callbacks get the controller of the run's AbortSignal. */
interface Scenario {
  name: string;
  create?: Partial<Parameters<typeof MLP.create>[0]>;
  options: (abort: AbortController) => FitOptions;
  /** Aborted in the middle of epoch `at`: fit keeps that partial epoch, fitAsync undoes it. */
  abortsMidEpoch?: number;
}

const stopAt = (epoch: number, batch: number) => (b: number, logs: { epoch: number }) => (logs.epoch === epoch && b === batch ? false : undefined);
const abortAt = (abort: AbortController, epoch: number, batch: number) => (b: number, logs: { epoch: number }) => void (logs.epoch === epoch && b === batch && abort.abort());

const scenarios: Scenario[] = [
  { name: 'plain epochs', options: () => ({ epochs: 3 }) },
  { name: 'validationSplit with metrics', options: () => ({ epochs: 3, validationSplit: 0.25, metrics: ['accuracy'] }) },
  {
    name: 'validationData, early stopping with restoreBest (a rate so large the loss climbs)',
    options: () => ({ epochs: 10, learningRate: 3, validationData: { X: held.X, Y: held.Y }, earlyStopping: { patience: 2, restoreBest: true } }),
  },
  { name: 'a step schedule and Adam', options: () => ({ epochs: 4, optimizer: { type: 'adam', learningRate: 0.01 }, schedule: { type: 'step', stepSize: 2, gamma: 0.5 } }) },
  { name: 'a schedule function', options: () => ({ epochs: 3, schedule: (epoch: number) => 0.05 / (1 + epoch) }) },
  {
    name: 'reduce-on-plateau inside a warmup',
    options: () => ({ epochs: 6, learningRate: 1.5, schedule: { type: 'warmup', epochs: 2, then: { type: 'reduce-on-plateau', patience: 0, factor: 0.5, monitor: 'loss' } } }),
  },
  { name: 'onEpochEnd returns false', options: () => ({ epochs: 5, onEpochEnd: (epoch: number) => epoch < 1 }) },
  { name: 'onBatchEnd returns false mid-epoch', options: () => ({ epochs: 5, onBatchEnd: stopAt(1, 1) }) },
  { name: 'errorThreshold', options: () => ({ epochs: 20, learningRate: 0.3, errorThreshold: 0.9 }) },
  { name: 'dropout, momentum, no shuffle', create: { dropout: 0.3 }, options: () => ({ epochs: 3, shuffle: false, optimizer: { type: 'sgd', momentum: 0.9 } }) },
  { name: 'divergence with onDivergence stop', options: () => ({ epochs: 4, learningRate: 1e38, onDivergence: 'stop' }) },
  { name: 'aborted before it starts', options: (abort) => (abort.abort(), { epochs: 3, signal: abort.signal }) },
  { name: 'aborted by onEpochEnd (at an epoch boundary)', options: (abort) => ({ epochs: 5, signal: abort.signal, onEpochEnd: (e: number) => void (e === 1 && abort.abort()) }) },
  {
    name: 'aborted mid-epoch, with restoreBest',
    abortsMidEpoch: 2,
    options: (abort) => ({ epochs: 5, learningRate: 2, earlyStopping: { monitor: 'loss', patience: 5, restoreBest: true }, signal: abort.signal, onBatchEnd: abortAt(abort, 2, 1) }),
  },
  { name: 'aborted after an epoch’s last batch', abortsMidEpoch: 1, options: (abort) => ({ epochs: 4, signal: abort.signal, onBatchEnd: abortAt(abort, 1, 3) }) },
];

type Path = 'fit' | 'fitAsync' | 'worker';

interface Outcome {
  state: number[];
  history: Omit<FitHistory, 'elapsedMs'>;
  elapsed: number;
  calls: string[];
}

async function run(scenario: Scenario, path: Path, backend: Backend, threads: number, options = scenario.options): Promise<Outcome> {
  const net = await MLP.create({ ...spec, ...scenario.create, backend, threads });
  const calls: string[] = [];
  const o = { batchSize: BATCH, ...options(new AbortController()) };
  // Record every callback call with its logs (elapsedMs aside), then answer as the scenario does.
  const traced: FitOptions = {
    ...o,
    onBatchEnd: (batch, logs) => (calls.push(`batch ${logs.epoch}/${batch} ${JSON.stringify(logs)}`), o.onBatchEnd?.(batch, logs)),
    onEpochEnd: (epoch, logs) => (calls.push(`epoch ${epoch} ${JSON.stringify({ ...logs, elapsedMs: 0 })}`), o.onEpochEnd?.(epoch, logs)),
  };
  const history = path === 'fit' ? net.fit(train.X, train.Y, traced) : await net.fitAsync(train.X, train.Y, { ...traced, worker: path === 'worker' });
  const { elapsedMs, ...rest } = history;
  expect(elapsedMs.every((ms) => ms >= 0)).toBe(true);
  if (rest.divergence) {
    // The message names the call that trained; the rest of it must agree.
    expect(rest.divergence.message.startsWith(`${path === 'fit' ? 'fit' : 'fitAsync'}: training diverged at epoch`)).toBe(true);
    rest.divergence = { ...rest.divergence, message: rest.divergence.message.replace(/^fit(Async)?: /, '') };
  }
  const outcome = { state: Array.from(net.save()), history: rest, elapsed: elapsedMs.length, calls };
  net.dispose();
  return outcome;
}

describe.each([
  ['wasm', [1, 2]],
  ['js', [1]],
] as const)('%s backend: every path trains alike', (backend, threadCounts) => {
  it.each(scenarios)('$name', async (scenario) => {
    const reference = await run(scenario, 'fit', backend, 1);
    expect(reference.elapsed).toBe(reference.history.epochs);
    // fitAsync undoes an epoch an abort interrupts: the same as fit aborted just before it.
    const at = scenario.abortsMidEpoch;
    const beforeAbort = at === undefined ? null : await run(scenario, 'fit', backend, 1, (abort) => ({
      ...scenario.options(abort), onBatchEnd: undefined, onEpochEnd: (e: number) => void (e === at - 1 && abort.abort()),
    }));
    for (const threads of threadCounts) {
      for (const path of ['fit', 'fitAsync', 'worker'] as const) {
        if (path === 'fit' && threads === 1) continue;
        const outcome = await run(scenario, path, backend, threads);
        const where = `${path} on ${threads} thread(s)`;
        if (beforeAbort && path !== 'fit') {
          expect(outcome.state, where).toEqual(beforeAbort.state);
          expect(outcome.history, where).toEqual(beforeAbort.history);
          expect(outcome.history.stopReason).toBe('aborted');
          expect(outcome.history.epochs).toBe(at);
          expect(reference.history.epochs).toBe(at! + 1);
          // The calls up to the abort are fit's own.
          expect(outcome.calls, where).toEqual(reference.calls.slice(0, outcome.calls.length));
        } else {
          expect(outcome.state, where).toEqual(reference.state);
          expect(outcome.history, where).toEqual(reference.history);
          expect(outcome.elapsed, where).toBe(reference.elapsed);
          expect(outcome.calls, where).toEqual(reference.calls);
        }
      }
    }
  });
});

it('the scenarios reach the outcomes they are named for (wasm, fit)', async () => {
  const reasons: Record<string, string> = {};
  for (const scenario of scenarios) {
    const { history } = await run(scenario, 'fit', 'wasm', 1);
    reasons[scenario.name] = history.stopReason;
    // restoreBest had something to restore: the best epoch is not the last.
    if (history.stopReason === 'early-stopping') expect(history.bestEpoch).toBeLessThan(history.epochs - 1);
  }
  expect(reasons).toEqual({
    'plain epochs': 'epochs',
    'validationSplit with metrics': 'epochs',
    'validationData, early stopping with restoreBest (a rate so large the loss climbs)': 'early-stopping',
    'a step schedule and Adam': 'epochs',
    'a schedule function': 'epochs',
    'reduce-on-plateau inside a warmup': 'epochs',
    'onEpochEnd returns false': 'callback',
    'onBatchEnd returns false mid-epoch': 'callback',
    errorThreshold: 'error-threshold',
    'dropout, momentum, no shuffle': 'epochs',
    'divergence with onDivergence stop': 'diverged',
    'aborted before it starts': 'aborted',
    'aborted by onEpochEnd (at an epoch boundary)': 'aborted',
    'aborted mid-epoch, with restoreBest': 'aborted',
    'aborted after an epoch’s last batch': 'aborted',
  });
});
