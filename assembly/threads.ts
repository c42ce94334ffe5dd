// Entry of the threaded builds: every export of index.ts, compiled with atomics over imported
// shared memory, plus the life of a worker thread. The training code is the same as in the
// other builds (network.ts); only here do its barriers exist.

import { Control, Network } from './blocks';
import { execute, STOP } from './network';
import { waitWhile, word } from './barrier';
import { cutAt } from './balance';

export * from './index';
export { abortAll } from './barrier';

/** Sets up a control block for a pool of `threads` threads (the caller's included), before workers start. */
export function resetControl(ctrl: usize, threads: i32, callerCanBlock: bool): void {
  const c = changetype<Control>(ctrl);
  const calls = c.parallelCalls;
  memory.fill(ctrl, 0, offsetof<Control>());
  c.parallelCalls = calls;
  c.threads = threads;
  c.callerCanBlock = callerCanBlock ? 1 : 0;
}

/** A worker's life: sleep until the caller posts a command, run its share, repeat until STOP. */
export function workerLoop(ctrl: usize, thread: i32): void {
  const c = changetype<Control>(ctrl);
  const generation = word(c, offsetof<Control>('generation'));
  let seen = 0;
  while (true) {
    waitWhile(generation, seen, true);
    seen = atomic.load<i32>(generation);
    const command = atomic.load<i32>(word(c, offsetof<Control>('command')));
    if (command == STOP) return;
    // Workers beyond the command's thread count sit this one out (a small batch).
    const threads = atomic.load<i32>(word(c, offsetof<Control>('threads')));
    if (thread < threads) {
      execute(changetype<Network>(c.network), command, thread, threads);
      atomic.sub<i32>(word(c, offsetof<Control>('active')), 1);
    }
  }
}

/** Ends every worker's loop. */
export function stopWorkers(ctrl: usize): void {
  const c = changetype<Control>(ctrl);
  atomic.store<i32>(word(c, offsetof<Control>('command')), STOP);
  atomic.add<i32>(word(c, offsetof<Control>('generation')), 1);
  atomic.notify(word(c, offsetof<Control>('generation')), -1);
}

/** Where thread t's share starts, as a fraction (observable by tests: the shares follow the threads' speeds). */
export function shareCut(ctrl: usize, t: i32, threads: i32): f64 {
  return cutAt(changetype<Control>(ctrl), t, threads);
}
