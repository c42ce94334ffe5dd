// The kernels' generator skips ahead by any number of draws (what lets each thread draw its
// rows' dropout masks from their place in one stream): skipping n draws lands where making
// them does, and skipping 2^64 draws lands where xoshiro128**'s published jump() does
// (Blackman & Vigna, xoshiro128starstar.c).
import { describe, expect, it } from 'vitest';
import { Random } from '../src/core/random.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { loadBuild } from './kernel-harness.js';

const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];

/** xoshiro128**'s jump(): for each set bit of the constants, XOR the state in, then draw. */
function referenceJump(state: number[], constants: number[]): number[] {
  const random = new Random();
  random.setState(state);
  const sum = [0, 0, 0, 0];
  for (const word of constants) {
    for (let b = 0; b < 32; b++) {
      if ((word >>> b) & 1) random.getState().forEach((s, i) => (sum[i] = (sum[i] ^ s) >>> 0));
      random.nextUint32();
    }
  }
  return sum;
}

describe.each(supportedKernelVariants().map((v) => [v]))('kernel build %s', (variant) => {
  const { k, buffer, memory } = loadBuild('float32', variant);
  const slot = buffer([0, 0, 0, 0]).ptr;
  const state = () => Array.from(new Uint32Array(memory.buffer, slot, 4));
  const setState = (s: number[]) => new Uint32Array(memory.buffer, slot, 4).set(s);
  const start = new Random(99).getState();

  // Below 4,096 draws the kernel makes them; from there on it jumps: both sides of the switch.
  it.each([0, 1, 7, 4095, 4096, 4097, 10_000, 65_536, 300_001])('skipping %i draws lands where drawing them does', (count) => {
    setState(start);
    k.skipDraws(slot, BigInt(count));
    const random = new Random();
    random.setState(start);
    for (let i = 0; i < count; i++) random.nextUint32();
    expect(state()).toEqual(random.getState());
    // and the stream continues from there as the js generator's does
    expect([k.nextUint32(slot) >>> 0, k.nextUint32(slot) >>> 0]).toEqual([random.nextUint32(), random.nextUint32()]);
  });

  it('skipping 2^64 draws matches the published jump function', () => {
    // 2^64 does not fit the count's 64 bits: two skips of 2^63, and four of 2^62.
    setState(start);
    k.skipDraws(slot, 1n << 63n);
    k.skipDraws(slot, 1n << 63n);
    expect(state()).toEqual(referenceJump(start, JUMP));
    setState(start);
    for (let i = 0; i < 4; i++) k.skipDraws(slot, 1n << 62n);
    expect(state()).toEqual(referenceJump(start, JUMP));
    setState(start);
    k.skipDraws(slot, (1n << 64n) - 1n);
    k.nextUint32(slot);
    expect(state()).toEqual(referenceJump(start, JUMP));
  });
});
