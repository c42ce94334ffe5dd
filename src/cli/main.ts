#!/usr/bin/env node
// The `wasm-mlp` command: train, predict, evaluate, explain, bench.
import { readFileSync } from 'node:fs';
import { WasmMlpError } from '../core/errors.js';
import { UsageError, intOption, parseArgs } from './args.js';
import { evaluate, exportModel, predict, train } from './commands.js';
import { workedExample } from '../api/worked-example.js';
import { formatBench, quickBench } from './bench.js';
import { HIDDEN_ACTIVATIONS, MOMENTUM_OPTIMIZERS, helpList } from './help-lists.js';
import { OPTIMIZER_TYPES } from '../registry/optimizers.js';
import { REGRESSION_LOSSES } from '../registry/losses.js';
import { NORMALIZATIONS } from '../registry/normalizations.js';

interface Command {
  usage: string;
  options: string[];
  flags: string[];
  run: (args: ReturnType<typeof parseArgs>) => Promise<void>;
}

const out = process.stdout;
// `wasm-mlp predict … | head` closes the pipe early: that is not an error.
out.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const COMMANDS: Record<string, Command> = {
  train: {
    usage: `wasm-mlp train data.csv --target <column> [options]

Trains a network on a CSV file with a header row. Every column but the target (or those
named by --features) is a feature: numeric features are standardised (mean 0, std 1), text columns
named by --categorical are one-hot encoded; both are part of the saved network, which takes raw rows.
A numeric target is regression (linear output, MSE); any other target is classification
(softmax + cross-entropy) and its class names are kept.

  --target <column>        the column to predict (required)
  --features a,b,c         feature columns (default: every column but the target)
  --categorical auto|a,b   one-hot encode these text columns (auto: every feature column with a
                           cell that is not a number); categories seen only later encode as zeros
  --layers 64,32           hidden layer sizes (default 32)
  --activation relu        ${helpList('hidden activation:', HIDDEN_ACTIVATIONS, '(default relu)')}
  --loss mse               ${helpList('regression loss:', REGRESSION_LOSSES, '(default mse; classification always uses cross-entropy)')}
  --class-weights w        classification: balanced (rows / (classes × rows of the class), as
                           scikit-learn) or one weight per class in sorted class order, 1,2,…
  --label-smoothing e      classification: label smoothing ε in [0, 1) (default 0)
  --epochs N               passes over the training rows (default 50)
  --batch-size N           samples per step (default 16)
  --optimizer adam         ${helpList('', OPTIMIZER_TYPES, 'as torch.optim (default adam)')}
  --learning-rate x        step size η (default 0.01)
  --momentum m             ${helpList('momentum of', MOMENTUM_OPTIMIZERS, '(default 0)')}
  --schedule s             learning rate per epoch: cosine[:etaMin] (to η/100 by default),
                           step:stepSize[:gamma], exponential:gamma or none (default none)
  --dropout r              dropout rate of the hidden layers while training, in [0, 1) (default 0)
  --normalization n        ${helpList("between each hidden layer's Linear and its activation:", [...NORMALIZATIONS, 'none'], '')}, for every hidden layer or one per hidden layer
                           (e.g. batch-norm,none; default none)
  --validation-split f     fraction of rows held out to validate, 0 for none (default 0.2)
  --validation file.csv    validate on this file instead (same columns); no split then
  --early-stopping N       stop after N epochs without a lower validation loss (training loss
                           without validation) and keep the best epoch's parameters
  --task t                 auto, classification or regression (default auto: a numeric target
                           is regression; a few integer codes get a note suggesting classification)
  --dtype float32          float32 or float64 (default float32)
  --threads N              threads to train on, or auto for every core (default auto; small
                           batches stay on one thread, where more would be slower)
  --seed n                 seed of initialisation, shuffling and the split (default: a fresh
                           one, printed, so --seed n repeats the run)
  --shuffle-buffer N       stream the file instead of reading it into memory: each epoch reads
                           it again, shuffling through a seeded buffer of N rows (as tf.data's
                           shuffle; 1 keeps the file's order). Memory is bounded by N rows, not
                           by the file. Files over 32 MiB stream with N = 10000 unless given.
                           A streamed split holds out each row with probability --validation-split.
  --out model.json         where to save the model (default model.json; files from
                           earlier versions named .wmlp are read too)`,
    options: ['target', 'features', 'categorical', 'layers', 'activation', 'loss', 'epochs', 'batch-size', 'optimizer', 'learning-rate', 'momentum', 'schedule', 'dropout', 'normalization',
      'validation-split', 'validation', 'early-stopping', 'task', 'dtype', 'threads', 'seed', 'shuffle-buffer', 'out', 'class-weights', 'label-smoothing'],
    flags: [],
    run: (args) => train(args, out),
  },
  predict: {
    usage: `wasm-mlp predict model.json data.csv [--out predictions.csv]

Writes the CSV's rows with the model's prediction appended (a class name and each class's
probability for classifiers, a number for regressors), to --out or to standard output.
The CSV needs the model's feature columns; other columns are passed through.`,
    options: ['out'],
    flags: [],
    run: (args) => predict(args, out),
  },
  evaluate: {
    usage: `wasm-mlp evaluate model.json data.csv

Prints the model's metrics on a CSV that has its feature and target columns: accuracy,
cross-entropy and a confusion matrix for classifiers; MSE, RMSE, MAE and R² for regressors.`,
    options: [],
    flags: [],
    run: (args) => evaluate(args, out),
  },
  export: {
    usage: `wasm-mlp export model.json [--format module|onnx] [--quantize int8|float16] [--out model.mjs|model.onnx]

--format module (the default) writes the model as a dependency-free ES module (net.toFunction()
plus the model's standardisation and class names). It exports predictRows(rows), taking raw
feature values (arrays in the order of its \`features\` export, or objects keyed by column name)
and returning class names or numbers in the target's units, and predict(X) on raw rows too:
class probabilities, or numbers in the target's units (for models saved before networks had
input stages: the network's outputs on standardised inputs).

--format onnx writes an ONNX model (opset 13) for ONNX Runtime and other ONNX hosts: input
"input" takes raw feature values (batch × features, float32; text, a string tensor, when the model
has categorical features, which ai.onnx.ml's OneHotEncoder encodes), the standardisation is part of
the graph, and output "output" holds class probabilities or numbers in the target's units.
Feature and class names are in its metadata.

--quantize int8|float16 stores the weights quantized (see the quantization guide): in the module
as int8 with one scale per output unit, or float16 (a quarter or half of the weights' text),
decoded at import; in ONNX (int8 only) as DynamicQuantizeLinear-style row quantization and
MatMulInteger.`,
    options: ['out', 'format', 'quantize'],
    flags: [],
    run: (args) => exportModel(args, out),
  },
  explain: {
    usage: `wasm-mlp explain [--backend wasm|js]

Prints the worked example — one gradient-descent step on a 2-1-1 ReLU network —
with every number computed by the library.`,
    options: ['backend'],
    flags: [],
    run: async (args) => {
      const backend = args.options.get('backend') ?? 'wasm';
      if (backend !== 'wasm' && backend !== 'js') throw new UsageError(`--backend must be wasm or js, got "${backend}"`);
      for (const line of await workedExample(backend)) out.write(line + '\n');
    },
  },
  bench: {
    usage: `wasm-mlp bench [--repeats 3]

Measures training throughput of the wasm and the pure-TypeScript backends on three networks,
in this run, and prints the ratio (best of --repeats epochs each). The full suite, with peer
libraries, is \`npm run bench\` in the repository.`,
    options: ['repeats'],
    flags: [],
    run: async (args) => {
      const repeats = intOption(args, 'repeats', 3, 1);
      for (const line of formatBench(await quickBench(repeats), repeats)) out.write(line + '\n');
    },
  },
};

const MAIN_USAGE = `wasm-mlp — train multilayer perceptrons in WebAssembly

usage: wasm-mlp <command> [arguments]

commands:
  train      train a model on a CSV file
  predict    apply a saved model to a CSV file
  evaluate   metrics of a saved model on a labelled CSV file
  export     a saved model as a dependency-free ES module, or as ONNX (--format onnx)
  explain    the worked example, step by step
  bench      training speed of wasm vs pure TypeScript, measured now

wasm-mlp <command> --help   details of a command
wasm-mlp --version          the package version`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.write(MAIN_USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    out.write(version() + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    out.write(command.usage + '\n');
    return 0;
  }
  await command.run(parseArgs(rest, command.options, command.flags));
  return 0;
}

try {
  const status = await main(process.argv.slice(2));
  // A command may have set its own status (an interrupted training, a model saved elsewhere).
  process.exitCode = process.exitCode || status;
} catch (error) {
  // Expected failures are one line; anything else is a bug, shown in full only on request.
  if (error instanceof UsageError) {
    const command = process.argv[2] in COMMANDS ? ` ${process.argv[2]}` : '';
    process.stderr.write(`wasm-mlp: ${error.message} (see wasm-mlp${command} --help)\n`);
    process.exitCode = 2;
  } else if (error instanceof WasmMlpError) {
    process.stderr.write(`wasm-mlp: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`wasm-mlp: internal error: ${(error as Error)?.message ?? String(error)}${process.env.WASM_MLP_DEBUG ? '\n' + (error as Error)?.stack : ' (set WASM_MLP_DEBUG=1 for details)'}\n`);
    process.exitCode = 70;
  }
}
