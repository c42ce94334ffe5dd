// The control block through which the threads of one network coordinate: byte offsets of
// its fields, shared with src/wasm/shared-engine.ts. Words written by different threads at
// high rates (the barrier) sit on their own 64-byte cache line.

/** Bumped by the caller for every command; workers sleep on it. */
export const COMMAND_GENERATION: usize = 0;
export const COMMAND: usize = 4;
/** Threads taking part in the current command, the caller's included (0…THREADS−1). */
export const THREADS: usize = 8;
/** Non-zero once a thread has failed. */
export const ABORT: usize = 12;
/** Test hook: thread index + 1 that traps on its next command (0: none). */
export const FAULT: usize = 16;
/** Worker runs posted and not yet finished: after an abort the caller waits for 0. */
export const ACTIVE: usize = 20;
export const BARRIER_COUNT: usize = 64;
export const BARRIER_GENERATION: usize = 128;
/** Command arguments: up to 24 i32 words from ARGS, then the learning rate and the result as f64. */
export const ARGS: usize = 192;
export const LEARNING_RATE: usize = 288;
export const RESULT: usize = 296;
/** Global-norm clipping's factor, computed by thread 0 for all. */
export const CLIP_COEFFICIENT: usize = 304;
/** A failed worker's message (written by its JS): byte length, then UTF-8 text. */
export const ERROR_LENGTH: usize = 320;
/** Per thread, a copy of the optimizer descriptor pointing at that thread's share of the state. */
export const OPTIMIZER_COPIES: usize = 1344;
export const OPTIMIZER_COPY_BYTES: usize = 128;
export const MAX_THREADS: i32 = 256;
export const CONTROL_BYTES: usize = OPTIMIZER_COPIES + <usize>MAX_THREADS * OPTIMIZER_COPY_BYTES;

export const FORWARD = 1;
export const BACKWARD = 2;
export const STEP = 3;
export const BATCHES = 4;
export const EPOCHS = 5;
export const STOP = 6;
