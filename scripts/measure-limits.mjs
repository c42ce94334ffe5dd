// Measures the limits README "Errors and limits" lists: the largest network toJSON and
// toFunction export (and what that costs), save() of the same network, the refusal just past
// the limit, and fit with 1e9 epochs and an aborted signal. Run after `npm run build`:
//   node scripts/measure-limits.mjs
import { MLP } from '../dist/index.js';

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
function measure(what, body) {
  const started = performance.now();
  const result = body();
  const ms = performance.now() - started;
  console.log(`${what}: ${(ms / 1000).toFixed(2)} s, ${result}, rss ${mib(process.memoryUsage().rss)}`);
}

for (const dtype of ['float32', 'float64']) {
  // 4096·4095 + 4095 = 16 773 120 parameters: just under 2^24.
  const net = await MLP.create({ layers: [4096, 4095], activations: ['linear'], dtype, seed: 1 });
  console.log(`${dtype}, ${net.parameterCount} parameters (2^24 = ${2 ** 24})`);
  measure('  toFunction()', () => `${net.toFunction().length} characters`);
  measure('  JSON.stringify(toJSON())', () => `${JSON.stringify(net.toJSON()).length} characters`);
  measure('  save()', () => `${net.save().length} bytes`);
  net.dispose();
}

const over = await MLP.create({ layers: [4096, 4097], activations: ['linear'], dtype: 'float32', seed: 1 });
for (const call of ['toFunction', 'toJSON']) {
  try {
    over[call]();
  } catch (error) {
    console.log(`${over.parameterCount} parameters, ${call}(): ${error.name}: ${error.message}`);
  }
}
over.dispose();

const small = await MLP.create({ layers: [2, 1], activations: ['linear'], seed: 1 });
measure('fit(…, { epochs: 1e9, signal: aborted })', () => `${small.fit([[0, 1]], [[1]], { epochs: 1e9, signal: AbortSignal.abort() }).stopReason}`);
measure('fit(…, { epochs: Number.MAX_SAFE_INTEGER }) stopped by onEpochEnd after 1000', () => `${small.fit([[0, 1]], [[1]], { epochs: Number.MAX_SAFE_INTEGER, onEpochEnd: (e) => e < 999 }).epochs} epochs`);
small.dispose();
