// Options users pass to MLP.create that belong to another call (Keras's `compile` and `fit`
// arguments, brain.js's constructor options): the error names the call that takes each one.
import { ValueError } from '../core/errors.js';

/** Each such option, and the call that takes it. */
const TAKEN_BY: Readonly<Record<string, string>> = {
  learningRate: "fit(X, Y, { learningRate }) or net.setOptimizer({ type: 'adam', learningRate })",
  optimizer: "fit(X, Y, { optimizer: 'adam' }) or net.setOptimizer({ type: 'adam' })",
  momentum: "net.setOptimizer({ type: 'sgd', momentum }) or fit(X, Y, { optimizer: { type: 'sgd', momentum } })",
  weightDecay: "net.setOptimizer({ type: 'adamw', weightDecay })",
  epochs: 'fit(X, Y, { epochs })',
  batchSize: 'fit(X, Y, { batchSize })',
  validationSplit: 'fit(X, Y, { validationSplit })',
  metrics: "fit(X, Y, { metrics: ['accuracy'] }) or net.evaluate(X, Y, { metrics })",
  schedule: 'fit(X, Y, { schedule })',
  earlyStopping: 'fit(X, Y, { earlyStopping })',
  classWeights: 'MLP.create({ …, lossOptions: { classWeights } })',
  labelSmoothing: 'MLP.create({ …, lossOptions: { labelSmoothing } })',
  posWeight: 'MLP.create({ …, lossOptions: { posWeight } })',
};

/** Throws a ValueError when `options` holds an option of another call, naming that call. */
export function checkMisplacedCreateOptions(fn: string, options: object): void {
  for (const key of Object.keys(options)) {
    const call = TAKEN_BY[key];
    if (call !== undefined) throw new ValueError(`${fn}: options.${key} is not an option of MLP.create, which only builds the network; it is taken by ${call}`);
  }
}
