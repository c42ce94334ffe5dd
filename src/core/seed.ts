// A seed for a network created without one: drawn from the platform's cryptographic generator
// (Node ≥ 20, Bun, Deno and browsers all have globalThis.crypto), so two such networks start
// apart. The drawn seed is kept as `net.seed`, so the run can be repeated after the fact.

/** A fresh 32-bit seed, different on every call. */
export function freshSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}
