// Synchronisation of the threads that share one network's memory. Every word here lives in
// the control block (assembly/control.ts) and is touched only atomically. Waiting spins
// briefly first — a phase on the other cores usually ends within microseconds — then blocks,
// except on threads that may not block (a browser's main thread), which keep spinning.

import { THREADS, ABORT, BARRIER_COUNT, BARRIER_GENERATION } from './control';

// Blocking goes through JavaScript's Atomics.wait (src/threads/wait.ts): Node 20's baseline
// compiler (Liftoff) loses wake-ups of memory.atomic.wait32, which hung the barrier.
// @ts-ignore: decorator
@external("env", "wait32")
declare function wait32(word: usize, value: i32): void;

/** Spins before blocking: about the cost of a futex wake-up on current machines. */
const SPIN = 4000;

/**
 * Waits until every thread has arrived. Returns false if the work was aborted (a thread
 * failed): callers then leave their phase loop at once.
 */
export function barrier(ctrl: usize, canBlock: bool): bool {
  if (atomic.load<i32>(ctrl + ABORT) != 0) return false;
  const generation = atomic.load<i32>(ctrl + BARRIER_GENERATION);
  if (atomic.add<i32>(ctrl + BARRIER_COUNT, 1) == atomic.load<i32>(ctrl + THREADS) - 1) {
    // The last to arrive resets the count before releasing the others, so none can enter
    // the next barrier and see a stale count.
    atomic.store<i32>(ctrl + BARRIER_COUNT, 0);
    atomic.add<i32>(ctrl + BARRIER_GENERATION, 1);
    atomic.notify(ctrl + BARRIER_GENERATION, -1);
  } else {
    waitWhile(ctrl + BARRIER_GENERATION, generation, canBlock);
  }
  return atomic.load<i32>(ctrl + ABORT) == 0;
}

/** Returns once the i32 at `word` differs from `value`. */
export function waitWhile(word: usize, value: i32, canBlock: bool): void {
  for (let i = 0; i < SPIN; i++) {
    if (atomic.load<i32>(word) != value) return;
  }
  while (atomic.load<i32>(word) == value) {
    if (canBlock) wait32(word, value);
  }
}

/** Marks the work failed and releases every thread waiting in a barrier. */
export function abortAll(ctrl: usize): void {
  atomic.store<i32>(ctrl + ABORT, 1);
  atomic.add<i32>(ctrl + BARRIER_GENERATION, 1);
  atomic.notify(ctrl + BARRIER_GENERATION, -1);
}
