// A user's strict TypeScript against the built package ('wasm-mlp' resolves to dist/ through
// the package's own exports). Compiled by `tsc --noEmit` in test/consumer.test.ts; never run.
// Lines marked @ts-expect-error are mistakes the types must catch.
import { MLP, ShapeError, ValueError, type EarlyStoppingOptions, type Metric, type FitOptions, type FitHistory, type OptimizerOptions, type Schedule } from 'wasm-mlp';

// README "Train and predict".
const X = [[2, 9], [1, 5], [5, 4], [6, 8], [8, 7], [3, 6], [9, 5], [4, 8], [7, 3], [2, 4]];
const Y = [[0], [0], [0], [1], [1], [0], [1], [1], [0], [0]];
const net = await MLP.create({ layers: [2, 8, 1], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy', seed: 1 });
const history: FitHistory = net.fit(X, Y, { epochs: 300, optimizer: { type: 'adam', learningRate: 0.05 } });
const finalLoss: number | undefined = history.loss.at(-1);

// The return type of predict follows its input.
const first: number = net.predict([[7, 8], [1, 3]])[0][0];
const rows: number[][] = net.predict(X);
const one: number[] = net.predict([7, 8]);
const f32: Float32Array = net.predict(new Float32Array([7, 8, 1, 3]));
const f64: Float64Array = net.predict(new Float64Array([7, 8]));
// @ts-expect-error a row of rows is not one number
const notANumber: number = net.predict([[7, 8]])[0];

// One target per sample for a one-output network.
net.fit(X, [0, 0, 0, 1, 1, 0, 1, 1, 0, 0], { epochs: 1 });

// Options held in a variable: `satisfies` keeps literal types and catches misspelt keys.
const options = { epochs: 5, batchSize: 4, shuffle: true, metrics: ['accuracy'] } satisfies FitOptions;
net.fit(X, Y, options);
const metrics = ['accuracy'] as const; // a readonly tuple is accepted
net.fit(X, Y, { epochs: 1, metrics });
net.evaluate(X, Y, { metrics });
const typed: FitOptions = { epochs: 5, earlyStopping: { monitor: 'loss', patience: 2 } };
net.fit(X, Y, typed);
const stopping: EarlyStoppingOptions = { monitor: 'val_loss', minDelta: 1e-4 };
const schedule: Schedule = { type: 'cosine', tMax: 10, etaMin: 1e-4 };
const adam: OptimizerOptions = { type: 'adam', learningRate: 0.01 };
net.fit(X, Y, { epochs: 2, validationSplit: 0.2, earlyStopping: stopping, schedule, optimizer: adam });
// @ts-expect-error 'epoch' is not an option (epochs is)
const misspelt = { epoch: 3 } satisfies FitOptions;
// @ts-expect-error misspelt key in a literal
net.fit(X, Y, { epochs: 3, batch_size: 4 });
// @ts-expect-error misspelt nested key
net.fit(X, Y, { earlyStopping: { patiense: 3 } });
// @ts-expect-error misspelt optimizer option
net.setOptimizer({ type: 'adam', lr: 0.1 });
// @ts-expect-error misspelt create option
await MLP.create({ layers: [2, 1], activations: ['linear'], lossFunction: 'mse' });
// @ts-expect-error unknown activation
await MLP.create({ layers: [2, 1], activations: ['ReLU'] });

// Metric results follow the metrics asked for: present (a number) when requested, absent from the type when not.
const evaluated = net.evaluate(X, Y, { metrics: ['accuracy'] });
const accuracy: number = evaluated.metrics.accuracy;
// @ts-expect-error 'mae' was not requested
evaluated.metrics.mae;
// @ts-expect-error no metrics requested, so there is no accuracy
const noMetrics: number = net.evaluate(X, Y).metrics.accuracy;
const trained = net.fit(X, Y, { epochs: 2, metrics: ['accuracy', 'mse'], onEpochEnd: (_, logs) => void (logs.metrics.mse satisfies number) });
const accuracies: number[] = trained.metrics.accuracy;
const mses: number[] = trained.metrics.mse;
// @ts-expect-error 'mae' was not requested
trained.metrics.mae;
const perValidation: number[] | undefined = trained.valMetrics.accuracy; // only with validation data
const fromConst: number = net.evaluate(X, Y, { metrics }).metrics.accuracy; // the `as const` list above
const someMetrics: Metric[] = ['mae'];
const maybe: number | undefined = net.evaluate(X, Y, { metrics: someMetrics }).metrics.mae; // a plain array: any metric may be absent
// @ts-expect-error a plain Metric[] does not promise 'mae'
const promised: number = net.evaluate(X, Y, { metrics: someMetrics }).metrics.mae;
const later = await net.fitAsync(X, Y, { epochs: 1, metrics: ['mae'] });
const maes: number[] = later.metrics.mae;

// Bytes in either form a file or fetch() gives.
const saved: Uint8Array = net.save();
await MLP.load(saved);
await MLP.load(saved.buffer as ArrayBuffer);
await MLP.fromSafetensors(net.toSafetensors().buffer as ArrayBuffer);

// README "Errors and limits".
try {
  net.predict([[1, 2, 3]]);
} catch (error) {
  if (error instanceof ShapeError || error instanceof ValueError) console.log(error.message);
}

export { finalLoss, first, rows, one, f32, f64, notANumber, misspelt, accuracy, noMetrics, accuracies, mses, perValidation, fromConst, maybe, promised, maes };
