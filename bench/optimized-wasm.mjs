// Imported first by every benchmark: V8 compiles wasm without its baseline tier (Liftoff), so
// every timed call runs the optimized code. By default V8 starts each function on Liftoff and
// swaps in the optimized code from a background compile once the function is hot; on a loaded
// machine that compile can land long after a benchmark's warm-up, and the first rounds would
// time the baseline code (measured: a register-tiled probe at 0.1–1 GFLOP/s instead of 12).
// A long training runs the optimized code either way; only compile time differs.
import v8 from 'node:v8';

v8.setFlagsFromString('--no-liftoff');
