// This round's types as a strict user (noUncheckedIndexedAccess, node16 and bundler resolution)
// meets them; compiled, never run, by test/readme-strict-types.test.ts. @ts-expect-error marks
// what the types must refuse.
import { MLP, adaptInput, type ClassLabel, type FitOptions, type InputStage } from 'wasm-mlp';
import { Predictor } from 'wasm-mlp/inference';

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const net = await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy' });
// The seed it drew, to repeat the run.
const seed: number | undefined = net.seed;
await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'sigmoid'], seed: net.seed });

// Options held in a variable with `satisfies` keep the metrics' names: accuracy is a number[].
const options = { epochs: 5, metrics: ['accuracy'], optimizer: 'adam', validationSplit: 0.25, stratify: true } satisfies FitOptions;
const history = net.fit(X, Y, options);
const accuracy: number[] = history.metrics.accuracy;
// @ts-expect-error 'mae' was not asked for
history.metrics.mae;
// @ts-expect-error not an optimizer name
net.fit(X, Y, { optimizer: 'adamax' });

// With `layers` written out, the output width is known: a row is a tuple, so destructuring it
// reads numbers; a network read from a file has number[] rows.
const rounded: number[] = net.predict(X).map(([p]) => Math.round(p));
const [p0, p1, p2] = (await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy' })).predict([0, 1]);
const sum: number = p0 + p1 + p2;
// @ts-expect-error a network of one output has no second one
net.predict([0, 1])[1].toFixed();
const loaded: number[][] = (await MLP.load(net.save())).predict(X);
// A network of known width is still an MLP (a variable, an array or a parameter typed MLP takes it).
const plain: MLP = net;
const ensemble: MLP[] = [net, await MLP.load(net.save())];
const layers: number[] = [2, 4, 1];
const unknownWidth: number[][] = (await MLP.create({ layers, activations: ['tanh', 'sigmoid'] })).predict(X);

// adaptInput with the columns written out types each fitted column by its spec's type.
const stage = adaptInput([[1, 'a'], [3, 'b']], { columns: [{ name: 'x', type: 'standardize' }, { name: 'k', type: 'one-hot' }] });
const mean: number = stage.columns[0].mean;
const categories: readonly string[] = stage.columns[1].categories;
// @ts-expect-error a standardized column has no categories
stage.columns[0].categories;
const asStage: InputStage = stage;

// predictClasses: one class per row, or one class for one sample.
const classes: ClassLabel[] = net.predictClasses(X);
const one: ClassLabel = net.predictClasses([0, 1]);

// Predictor.predict follows its input, as MLP.predict does.
const predictor = await Predictor.load(net.save());
const rows: number[][] = predictor.predict(X);
const flat: Float32Array = predictor.predict(new Float32Array([0, 1]));
const wide: Float64Array = predictor.predict(new Float64Array([0, 1]));
const predicted: ClassLabel[] = predictor.predictClasses(X);

export { seed, accuracy, mean, categories, asStage, rounded, sum, loaded, plain, ensemble, unknownWidth, classes, one, rows, flat, wide, predicted };
