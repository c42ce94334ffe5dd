// The caller's side of multi-threaded calls: how many threads a call is worth, and posting a
// command to the workers that sleep in workerLoop (assembly/threads.ts). Only the threaded
// builds reach this code (network.ts calls it under ASC_FEATURE_THREADS).

import { Control, Network } from './blocks';
import { word } from './barrier';

/** Threads worth using for batches of `rows` rows: fewer below the work threshold, down to one. */
export function threadsFor(n: Network, rows: i32): i32 {
  if (n.control == 0) return 1;
  const c = changetype<Control>(n.control);
  const available = c.available;
  if (available <= 1) return 1;
  if (c.workPerThread == 0) return available;
  // Waking a thread and the barriers between phases cost more than small shares save.
  const worth = Math.floor(<f64>rows * <f64>n.parameterCount / <f64>c.workPerThread);
  return <i32>max(1.0, min(<f64>available, worth));
}

/** Wakes `threads` − 1 workers on a command (the atomic bump publishes every field written before it). */
export function post(c: Control, command: i32, threads: i32, network: usize): void {
  c.network = network;
  c.parallelCalls++;
  atomic.store<i32>(word(c, offsetof<Control>('command')), command);
  atomic.store<i32>(word(c, offsetof<Control>('threads')), threads);
  atomic.add<i32>(word(c, offsetof<Control>('active')), threads - 1);
  atomic.add<i32>(word(c, offsetof<Control>('generation')), 1);
  atomic.notify(word(c, offsetof<Control>('generation')), -1);
}
