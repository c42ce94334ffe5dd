/**
 * The `env.wait32` import of the threaded kernels (assembly/barrier.ts): blocks while the
 * i32 at byte address `word` equals `value`. The bounded timeout is insurance only: the
 * kernel re-checks the word and waits again.
 */
export function waitImport(memory: WebAssembly.Memory): (word: number, value: number) => void {
  // The control block lies past the threads' strip scratches (assembly/gemm/column-strips.ts),
  // beyond the first page: a view made before the engine grew memory to hold it is made again.
  let words = new Int32Array(memory.buffer);
  return (word, value) => {
    if (word + 4 > words.byteLength) words = new Int32Array(memory.buffer);
    Atomics.wait(words, word >> 2, value, 100);
  };
}

/** The `env.now` import of the threaded kernels (assembly/balance.ts): milliseconds, for measuring each thread's share of the work. */
export function clock(): number {
  return performance.now();
}
