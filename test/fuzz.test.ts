// A property test over the public surface: random calls with random (often wrong) arguments in
// random order, re-entrant calls from callbacks, dispose at any point. Each call returns its
// documented result or throws a WasmMlpError; a throw leaves the network exactly as it was
// (net.save(), byte for byte); nothing rejects unhandled; nothing hangs. It runs for
// FUZZ_SECONDS (default 20) in `npm test`; `npm run test:fuzz` runs it for 5 minutes.
// It uses the compiled package (dist/, built by `npm test`'s pretest) so fitAsync's worker exists.
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { DisposedError, DivergenceError, MLP, WasmMlpError, type FitHistory } from '../dist/index.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
/** Longest any one call may take before it counts as a hang (a worker starts in well under this). */
const HANG_MS = 30_000;

const HEADS = [
  { activation: 'linear', loss: 'mse' },
  { activation: 'sigmoid', loss: 'mse' },
  { activation: 'softmax', loss: 'cross-entropy' },
  { activation: 'sigmoid', loss: 'binary-cross-entropy' },
  { activation: 'linear', loss: 'huber' },
  { activation: 'tanh', loss: 'l1' },
] as const;

const netArb = fc.record({
  inputs: fc.integer({ min: 1, max: 4 }),
  hidden: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
  outputs: fc.integer({ min: 1, max: 3 }),
  head: fc.constantFrom(...HEADS),
  hiddenActivation: fc.constantFrom('relu', 'tanh', 'sigmoid', 'leaky-relu', 'linear', 'gelu', 'silu', 'elu', 'softplus'),
  normalization: fc.constantFrom(null, null, 'layer-norm', 'batch-norm'),
  lossOptions: fc.constantFrom('none', 'none', 'weights', 'smoothing'),
  dtype: fc.constantFrom('float32', 'float64'),
  backend: fc.constantFrom('wasm', 'js'),
  threads: fc.constantFrom(1, 1, 1, 2),
  dropout: fc.constantFrom(0, 0.2),
  seed: fc.nat(1000),
});

/** A function schedule, by kind: plain, returning nonsense, or throwing. */
const scheduleArb = fc.oneof(
  fc.constantFrom({ type: 'step', stepSize: 1 }, { type: 'reduce-on-plateau', patience: 0 }, { type: 'cosine', tMax: 2 }, { type: 'bogus' }, { type: 'warmup', epochs: 1 }),
  fc.constantFrom('fn-rate', 'fn-nan', 'fn-symbol'),
);

const optionsArb = fc.record({
  epochs: fc.oneof(fc.constantFrom(1, 2, 3), fc.constantFrom(0, -1, 1.5, NaN, '2', null, 1e9)),
  batchSize: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, -2, 'x', 2.5)),
  learningRate: fc.constantFrom(0.01, 0.3, -1, NaN, Infinity, 1e38),
  shuffle: fc.constantFrom(true, false, 'yes'),
  validationSplit: fc.constantFrom(0, 0.25, 0.5, 1, -0.1),
  metrics: fc.constantFrom(['accuracy'], ['mae'], ['bogus'], 'accuracy'),
  earlyStopping: fc.constantFrom({ patience: 1 }, { restoreBest: true }, { monitor: 'bogus' }, 5, { monitor: 'val_loss', restoreBest: true }),
  errorThreshold: fc.constantFrom(0.5, -1, 10),
  schedule: scheduleArb,
  optimizer: fc.constantFrom({ type: 'adam' }, { type: 'sgd', momentum: 0.9 }, { type: 'bogus' }, { type: 'adam', beta1: 2 }, { type: 'rmsprop', clipNorm: 1 }),
  onDivergence: fc.constantFrom('stop', 'throw', 'x'),
  signal: fc.constantFrom('aborted', 'abort-soon', 'not-a-signal'),
  callbacks: fc.constantFrom('none', 'stop-early', 'throw', 'reentrant', 'not-a-function'),
  extra: fc.constantFrom(undefined, () => 1, Symbol('s')),
  sampleWeight: fc.constantFrom('per-row', 'zeros', 'one-short', 'negative', 'nan'),
}, { requiredKeys: [] });

const CALLS = [
  'predict', 'loss', 'gradient', 'step', 'setParameters', 'getParameters', 'setOptimizer', 'resetOptimizer', 'trace', 'evaluate',
  'fit', 'fitAsync', 'fitAsync-worker', 'toJSON-roundtrip', 'save-load', 'safetensors-roundtrip', 'toFunction', 'dispose', 'dispose-soon', 'getters',
  'create-bad', 'fromJSON-bad', 'load-bad',
] as const;
type Call = (typeof CALLS)[number];

const actionArb = fc.record({
  call: fc.constantFrom(...CALLS),
  x: fc.integer({ min: 0, max: 11 }),
  y: fc.integer({ min: 0, max: 8 }),
  rows: fc.integer({ min: 1, max: 8 }),
  options: optionsArb,
  reentrant: fc.constantFrom(...CALLS.filter((c) => !c.startsWith('fit') && c !== 'dispose-soon')),
  junk: fc.anything({ maxDepth: 2 }),
});
type Action = fc.Infer<typeof actionArb>;

type Net = MLP;
interface Context { net: Net; failures: string[]; random: () => number }

/** X in one of many forms: valid rows (0–4), then each kind of wrong. */
function makeX(net: Net, kind: number, rows: number, random: () => number): unknown {
  const width = net.layers[0];
  const row = () => Array.from({ length: width }, () => random() * 4 - 2);
  switch (kind) {
    case 0: case 1: case 2: return Array.from({ length: rows }, row);
    case 3: return Float64Array.from({ length: rows * width }, () => random() * 4 - 2);
    case 4: return Float32Array.from({ length: rows * width }, () => random() * 4 - 2);
    case 5: return Array.from({ length: rows }, () => [...row(), 1]);
    case 6: return [];
    case 7: return Array.from({ length: rows }, () => row().map((v, i) => (i === 0 ? NaN : v)));
    case 8: return 'not data';
    case 9: {
      const array = new Float64Array(rows * width);
      structuredClone(array.buffer, { transfer: [array.buffer] });
      return array;
    }
    case 10: return null;
    default: return [[1e39, ...row().slice(1)]];
  }
}

/** Y suited to the loss (0–4), or wrong. */
function makeY(net: Net, kind: number, rows: number, random: () => number): unknown {
  const outputs = net.layers[net.layers.length - 1];
  const probability = () => Array.from({ length: outputs }, () => random());
  switch (kind) {
    case 0: case 1: case 2: return net.lossName === 'cross-entropy' ? Array.from({ length: rows }, () => Math.floor(random() * outputs)) : Array.from({ length: rows }, probability);
    case 3: return Array.from({ length: rows }, probability);
    case 4: return Array.from({ length: rows + 1 }, probability);
    case 5: return Array.from({ length: rows }, () => [...probability(), 0.5]);
    case 6: return Array.from({ length: rows }, () => probability().map(() => -3));
    case 7: return Array.from({ length: rows }, () => outputs + 1);
    default: return { Y: 1 };
  }
}

function fitOptions(ctx: Context, action: Action, depth: number): Record<string, unknown> {
  const { options: o } = action;
  const out: Record<string, unknown> = { ...o };
  delete out.callbacks;
  delete out.extra;
  if (o.sampleWeight !== undefined) out.sampleWeight = sampleWeights(o.sampleWeight, action.rows, ctx.random);
  if (o.extra !== undefined) out.extraOption = o.extra;
  if (o.schedule === 'fn-rate') out.schedule = (epoch: number) => 0.01 / (1 + epoch);
  if (o.schedule === 'fn-nan') out.schedule = () => NaN;
  if (o.schedule === 'fn-symbol') out.schedule = () => Symbol('rate');
  if (o.signal === 'aborted' || o.epochs === 1e9) out.signal = AbortSignal.abort();
  else if (o.signal === 'abort-soon') {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), ctx.random() * 5);
    out.signal = controller.signal;
  } else if (o.signal === 'not-a-signal') out.signal = { aborted: 'no' };
  let calls = 0;
  const callback = () => {
    calls++;
    if (o.callbacks === 'stop-early') return calls < 2;
    if (o.callbacks === 'throw' && calls === 2) throw new UserCallbackError('thrown by the test’s callback');
    if (o.callbacks === 'reentrant' && depth === 0) void act(ctx, { ...action, call: action.reentrant }, 1);
    return undefined;
  };
  if (o.callbacks === 'not-a-function') out.onEpochEnd = 'later';
  else if (o.callbacks !== undefined && o.callbacks !== 'none') {
    out.onEpochEnd = callback;
    out.onBatchEnd = callback;
  }
  return out;
}

/** One weight per row, or each kind of wrong. */
function sampleWeights(kind: string, rows: number, random: () => number): number[] {
  const weights = Array.from({ length: rows }, () => Math.floor(random() * 3));
  if (kind === 'zeros') return weights.fill(0);
  if (kind === 'one-short') return weights.slice(1);
  if (kind === 'negative') return weights.map((w, i) => (i === 0 ? -1 : w));
  if (kind === 'nan') return weights.map((w, i) => (i === 0 ? NaN : w));
  return weights;
}

class UserCallbackError extends Error {}

/** The documented shape of what a call returned. */
function checkResult(ctx: Context, call: Call, result: unknown, rows: number): void {
  const net = ctx.net;
  if (call === 'fit' || call.startsWith('fitAsync')) {
    const h = result as FitHistory;
    expect(['epochs', 'callback', 'aborted', 'error-threshold', 'early-stopping', 'diverged']).toContain(h.stopReason);
    expect(Number.isInteger(h.epochs) && h.epochs >= 0 && h.epochs <= 10).toBe(true);
    expect([h.loss.length, h.learningRate.length, h.elapsedMs.length]).toEqual([h.epochs, h.epochs, h.epochs]);
    if (h.stopReason === 'diverged') expect(h.divergence?.message).toMatch(/^fit(Async)?: training diverged/);
  } else if (call === 'predict') {
    const width = net.layers[net.layers.length - 1];
    if (Array.isArray(result)) expect(result.map((r) => r.length)).toEqual(Array(rows).fill(width));
    else expect((result as Float64Array).length).toBe(rows * width);
  } else if (call === 'loss') {
    expect(typeof result).toBe('number');
  } else if (call === 'gradient' || call === 'getParameters') {
    expect((result as Float64Array).length).toBe(net.parameterCount);
  }
}

/** Runs one action; a failed invariant is recorded in ctx.failures (callbacks cannot throw it out). */
async function act(ctx: Context, action: Action, depth = 0): Promise<void> {
  const net = ctx.net;
  const wasDisposed = net.disposed;
  const before = wasDisposed ? null : Array.from(net.save());
  const rows = action.rows;
  const X = () => makeX(net, wasDisposed ? 0 : action.x, rows, ctx.random);
  const Y = () => makeY(net, wasDisposed ? 0 : action.y, rows, ctx.random);
  const validRows = action.x <= 4 && !wasDisposed;
  let result: unknown;
  try {
    result = await withDeadline(action.call, invoke(ctx, action, depth, X, Y));
    try {
      checkResult(ctx, action.call, result, validRows ? rows : 0);
    } catch (error) {
      if (validRows) ctx.failures.push(`${action.call} returned ${String(result)}: ${(error as Error).message}`);
    }
  } catch (error) {
    if (error instanceof UserCallbackError) return;
    if (!(error instanceof WasmMlpError)) {
      ctx.failures.push(`${action.call} threw a non-WasmMlpError: ${(error as Error)?.stack ?? String(error)}`);
      return;
    }
    if (wasDisposed && !action.call.endsWith('-bad') && !(error instanceof DisposedError)) ctx.failures.push(`${action.call} on a disposed network threw ${error.name}: ${error.message}`);
    // Training may have run before a divergence (documented), and a dispose ends everything.
    const training = action.call === 'fit' || action.call.startsWith('fitAsync');
    if (before && !net.disposed && !(training && error instanceof DivergenceError) && depth === 0) {
      const after = Array.from(net.save());
      if (after.length !== before.length || after.some((v, i) => v !== before[i])) ctx.failures.push(`${action.call} threw ${error.name} (${error.message}) and changed the network`);
    }
  }
}

function withDeadline<T>(what: string, value: T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} hung for ${HANG_MS} ms`)), HANG_MS)));
  return Promise.race([Promise.resolve(value), deadline]).finally(() => clearTimeout(timer));
}

/** `{ sampleWeight }` when the action has weights, else nothing. */
function weighted(ctx: Context, action: Action): { sampleWeight?: number[] } {
  const kind = action.options.sampleWeight;
  return kind === undefined ? {} : { sampleWeight: sampleWeights(kind, action.rows, ctx.random) };
}

async function invoke(ctx: Context, action: Action, depth: number, X: () => unknown, Y: () => unknown): Promise<unknown> {
  const net = ctx.net as unknown as Record<string, (...args: unknown[]) => unknown>;
  const junk = action.junk;
  switch (action.call) {
    case 'predict': return net.predict(X());
    case 'loss': return net.loss(X(), Y(), weighted(ctx, action));
    case 'gradient': return net.gradient(X(), Y(), weighted(ctx, action));
    case 'step': return net.step(X(), Y(), action.x === 11 ? junk : { learningRate: action.options.learningRate, ...weighted(ctx, action) });
    case 'setParameters': return net.setParameters(action.x < 6 ? new Float64Array(ctx.net.parameterCount).fill(0.1) : action.x < 9 ? junk : [NaN]);
    case 'getParameters': return net.getParameters();
    case 'setOptimizer': return net.setOptimizer(action.x < 9 ? action.options.optimizer : junk);
    case 'resetOptimizer': return net.resetOptimizer();
    case 'trace': return net.trace(X(), Y());
    case 'evaluate': return net.evaluate(X(), Y(), { metrics: action.options.metrics, ...weighted(ctx, action) });
    case 'fit': return net.fit(X(), Y(), fitOptions(ctx, action, depth));
    case 'fitAsync': return net.fitAsync(X(), Y(), fitOptions(ctx, action, depth));
    case 'fitAsync-worker': return net.fitAsync(X(), Y(), { ...fitOptions(ctx, action, depth), worker: true });
    case 'toJSON-roundtrip': {
      const json = ctx.net.toJSON({ training: action.x % 2 === 0 });
      const copy = await MLP.fromJSON(JSON.stringify(json));
      expect(Array.from(copy.getParameters())).toEqual(Array.from(ctx.net.getParameters()));
      copy.dispose();
      return json;
    }
    case 'save-load': {
      const copy = await MLP.load(ctx.net.save());
      expect(Array.from(copy.save())).toEqual(Array.from(ctx.net.save()));
      copy.dispose();
      return null;
    }
    case 'safetensors-roundtrip': {
      const copy = await MLP.fromSafetensors(ctx.net.toSafetensors());
      expect(Array.from(copy.getParameters())).toEqual(Array.from(ctx.net.getParameters()));
      copy.dispose();
      return null;
    }
    case 'toFunction': return net.toFunction();
    case 'dispose': return net.dispose();
    case 'dispose-soon': return void setTimeout(() => ctx.net.dispose(), ctx.random() * 10);
    case 'getters': return [ctx.net.layers, ctx.net.parameterCount, ctx.net.optimizer, ctx.net.epoch, ctx.net.memoryBytes, ctx.net.threads, ctx.net.layout];
    case 'create-bad': return MLP.create(junk as never).then((other) => (other.dispose(), null));
    case 'fromJSON-bad': return MLP.fromJSON(junk as never).then((other) => (other.dispose(), null));
    case 'load-bad': return MLP.load(junk as never).then((other) => (other.dispose(), null));
  }
}

/** The loss's own options: class or positive weights, label smoothing, huber's delta. */
function lossOptionsOf(loss: string, kind: string, outputs: number): { lossOptions?: Record<string, unknown> } {
  if (kind === 'none') return {};
  const weights = Array.from({ length: outputs }, (_, i) => 0.5 + i);
  if (loss === 'cross-entropy') return { lossOptions: kind === 'weights' ? { classWeights: weights, labelSmoothing: 0.1 } : { labelSmoothing: 0.2 } };
  if (loss === 'binary-cross-entropy') return { lossOptions: { posWeight: weights } };
  if (loss === 'huber') return { lossOptions: { delta: 0.5 } };
  return {};
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

it(`random calls for ${SECONDS} s: a documented result or a WasmMlpError that changes nothing`, async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(netArb, fc.array(actionArb, { minLength: 1, maxLength: 10 }), fc.nat(), async (spec, actions, seed) => {
      runs++;
      const net = await MLP.create({
        // A softmax output needs two classes at least.
        layers: [spec.inputs, ...spec.hidden, spec.head.activation === 'softmax' ? spec.outputs + 1 : spec.outputs],
        activations: [...spec.hidden.map(() => spec.hiddenActivation), spec.head.activation],
        loss: spec.head.loss, dtype: spec.dtype, backend: spec.backend, threads: spec.threads, seed: spec.seed,
        dropout: spec.hidden.length > 0 ? spec.dropout : 0,
        ...(spec.hidden.length > 0 && spec.normalization && { normalization: spec.hidden.map(() => spec.normalization) }),
        ...lossOptionsOf(spec.head.loss, spec.lossOptions, spec.head.activation === 'softmax' ? spec.outputs + 1 : spec.outputs),
      });
      let state = seed || 1;
      const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const ctx: Context = { net, failures: [], random };
      try {
        for (const action of actions) await act(ctx, action);
        // A dispose from a timer may still be pending: let it fire, then the network must refuse calls cleanly.
        await new Promise((resolve) => setTimeout(resolve, 12));
        if (net.disposed) expect(() => net.predict([[0]])).toThrow(DisposedError);
      } finally {
        net.dispose();
      }
      expect(ctx.failures).toEqual([]);
    }),
    { numRuns: 1_000_000, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false },
  );
  // Let stray timers and worker messages settle before judging rejections.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(unhandled).toEqual([]);
  expect(runs).toBeGreaterThan(3);
}, SECONDS * 1000 + 4 * HANG_MS);
