// Shares that follow the threads' speeds. Cores are not equally fast in practice — a
// neighbour on a shared core or cache, frequency scaling, big and little cores — and with equal
// shares every thread waits for the slowest at each barrier. So each thread measures the time it
// works between barriers; every so often, at a step's last barrier, the last thread to arrive
// moves the cuts between the threads' shares towards their measured speeds. Every output
// element is computed with the same arithmetic whichever thread takes it, so the results do not
// depend on the cuts; only the time does. Only the threaded builds compile this file.

import { Control, BALANCE_OFFSET, MAX_THREADS } from './blocks';

/** Milliseconds from JavaScript's clock (performance.now). */
// @ts-ignore: decorator
@external("env", "now")
declare function now(): f64;

/** Working time a rebalance needs before it trusts the measurement: several steps of a small network. */
const MIN_BUSY_MS: f64 = 2;
/** How far one rebalance moves the cuts towards the measured speeds (smoothing out one-off delays). */
const STEP_TOWARDS: f64 = 0.5;
/** No thread's share falls below this fraction of an equal one: a thread delayed once comes back. */
const MIN_SHARE: f64 = 0.25;

// This thread's own clock readings (each thread has its own instance, so its own globals).
let leftAt: f64 = 0;
let busy: f64 = 0;

/** The table after the Control block: cut[0…MAX_THREADS] then busy[0…MAX_THREADS − 1], f64. */
@inline function cutAddress(c: Control, t: i32): usize {
  return changetype<usize>(c) + offsetof<Control>() + BALANCE_OFFSET + (<usize>t << 3);
}
@inline function busyAddress(c: Control, t: i32): usize {
  return cutAddress(c, MAX_THREADS + 1 + t);
}

/** Where thread t's share starts, as a fraction of any phase's items; equal shares until a rebalance has measured these threads. */
export function cutAt(c: Control, t: i32, threads: i32): f64 {
  if (atomic.load<i32>(changetype<usize>(c) + offsetof<Control>('balancedThreads')) != threads) return <f64>t / <f64>threads;
  return load<f64>(cutAddress(c, t));
}

/** At the start of this thread's part of a call: its work begins now (not at its last barrier, before it slept). */
export function startWork(): void {
  leftAt = now();
}

/** Arriving at a barrier: the time since the last one was work. With `publish`, adds it to this thread's entry of the table. */
export function arrive(c: Control, thread: i32, publish: bool): void {
  busy += now() - leftAt;
  if (publish) {
    store<f64>(busyAddress(c, thread), load<f64>(busyAddress(c, thread)) + busy);
    busy = 0;
  }
}

/** Leaving a barrier: work starts again. */
export function leave(): void {
  leftAt = now();
}

/**
 * Called by the last thread to arrive at a rebalancing barrier, every thread's busy time
 * published: once there is enough of it, each share moves towards share ÷ busy time (the
 * thread's speed), normalized. Nothing reads the cuts until the barrier releases the others.
 */
export function rebalance(c: Control, threads: i32): void {
  const balanced = changetype<usize>(c) + offsetof<Control>('balancedThreads');
  if (atomic.load<i32>(balanced) != threads) {
    // First measurement for this thread count: start from equal shares.
    setCuts(c, threads, 1 / <f64>threads);
    return;
  }
  let longest: f64 = 0;
  let total: f64 = 0;
  for (let t = 0; t < threads; t++) {
    const b = load<f64>(busyAddress(c, t));
    longest = max(longest, b);
    // A thread that did no measurable work tells nothing: keep the cuts.
    if (!(b > 0)) return;
    total += (load<f64>(cutAddress(c, t + 1)) - load<f64>(cutAddress(c, t))) / b;
  }
  if (longest < MIN_BUSY_MS) return;
  const floor = MIN_SHARE / <f64>threads;
  // New shares, then their sum, to place the cuts.
  let sum: f64 = 0;
  for (let t = 0; t < threads; t++) {
    const share = load<f64>(cutAddress(c, t + 1)) - load<f64>(cutAddress(c, t));
    const speed = share / load<f64>(busyAddress(c, t)) / total;
    const moved = max(floor, share + STEP_TOWARDS * (speed - share));
    store<f64>(busyAddress(c, t), moved);
    sum += moved;
  }
  let cut: f64 = 0;
  for (let t = 0; t < threads; t++) {
    store<f64>(cutAddress(c, t), cut);
    cut += load<f64>(busyAddress(c, t)) / sum;
    store<f64>(busyAddress(c, t), 0);
  }
  store<f64>(cutAddress(c, threads), 1);
}

/**
 * Cuts thread 0's share at `first` and the others' equally (with first = 1/threads, equal
 * shares), clears the busy times, and marks the table as these threads': the start of the
 * measurements.
 */
export function setCuts(c: Control, threads: i32, first: f64): void {
  store<f64>(cutAddress(c, 0), 0);
  for (let t = 1; t < threads; t++) store<f64>(cutAddress(c, t), first + (1 - first) * <f64>(t - 1) / <f64>(threads - 1));
  store<f64>(cutAddress(c, threads), 1);
  for (let t = 0; t < threads; t++) store<f64>(busyAddress(c, t), 0);
  atomic.store<i32>(changetype<usize>(c) + offsetof<Control>('balancedThreads'), threads);
}
