// Synchronisation of the threads that share one network's memory, through the words of its
// Control block (touched only atomically). Waiting spins briefly first — a phase on the other
// cores usually ends within microseconds — then blocks, except on threads that may not block
// (a browser's main thread), which keep spinning. Only the threaded builds compile this file.

import { Control } from './blocks';
import { arrive, leave, rebalance } from './balance';

// Blocking goes through JavaScript's Atomics.wait (src/threads/wait.ts): Node 20's baseline
// compiler (Liftoff) loses wake-ups of memory.atomic.wait32, which hung the barrier.
// @ts-ignore: decorator
@external("env", "wait32")
declare function wait32(word: usize, value: i32): void;

/**
 * Spins before blocking: ~20–70 µs on current machines (0.3–1 ns an iteration). Longer than the
 * usual imbalance between two threads' shares of a phase, so a barrier rarely sleeps: a sleeping
 * thread's wake-up costs tens of µs more (a futex, and an interrupt between cores in a VM) and
 * makes it late for the next barrier. Shorter than a scheduler's time slice, so a thread
 * waiting for a descheduled one soon gives its core up.
 */
const SPIN = 1 << 16;

/** Address of a Control field, for the atomic operations. */
@inline export function word(c: Control, offset: usize): usize {
  return changetype<usize>(c) + offset;
}

/**
 * Waits until every thread of the command has arrived, and returns the OR of every thread's
 * `flags` (non-negative), or −1 if the work was aborted (a thread failed: callers then leave
 * their phases at once). A decision all threads need (the divergence guard's) then costs no
 * barrier of its own. A `rebalancing` barrier is one after which every share is computed
 * afresh: there the last thread to arrive may move the cuts between the shares
 * (assembly/balance.ts).
 */
export function gather(c: Control, canBlock: bool, flags: i32, thread: i32, rebalancing: bool): i32 {
  const abort = word(c, offsetof<Control>('abort'));
  const count = word(c, offsetof<Control>('barrierCount'));
  const generation = word(c, offsetof<Control>('barrierGeneration'));
  const arriving = word(c, offsetof<Control>('flagsArriving'));
  const gathered = word(c, offsetof<Control>('flagsGathered'));
  if (atomic.load<i32>(abort) != 0) return -1;
  arrive(c, thread, rebalancing);
  const seen = atomic.load<i32>(generation);
  if (flags != 0) atomic.or<i32>(arriving, flags);
  if (atomic.add<i32>(count, 1) == atomic.load<i32>(word(c, offsetof<Control>('threads'))) - 1) {
    // The last to arrive resets the count and the flags before releasing the others, so none
    // can enter the next barrier and see stale ones; no thread reads `gathered` again before
    // every thread has arrived at the next barrier.
    if (rebalancing) rebalance(c, atomic.load<i32>(word(c, offsetof<Control>('threads'))));
    atomic.store<i32>(gathered, atomic.load<i32>(arriving));
    atomic.store<i32>(arriving, 0);
    c.barriers++;
    atomic.store<i32>(count, 0);
    atomic.add<i32>(generation, 1);
    atomic.notify(generation, -1);
  } else {
    waitWhile(generation, seen, canBlock);
  }
  leave();
  return atomic.load<i32>(abort) == 0 ? atomic.load<i32>(gathered) : -1;
}

/** Returns once the i32 at `address` differs from `value`. */
export function waitWhile(address: usize, value: i32, canBlock: bool): void {
  for (let i = 0; i < SPIN; i++) {
    if (atomic.load<i32>(address) != value) return;
  }
  while (atomic.load<i32>(address) == value) {
    if (canBlock) wait32(address, value);
  }
}

/** Marks the work failed and releases every thread waiting in a barrier. */
export function abortAll(ctrl: usize): void {
  const c = changetype<Control>(ctrl);
  atomic.store<i32>(word(c, offsetof<Control>('abort')), 1);
  atomic.add<i32>(word(c, offsetof<Control>('barrierGeneration')), 1);
  atomic.notify(word(c, offsetof<Control>('barrierGeneration')), -1);
}
