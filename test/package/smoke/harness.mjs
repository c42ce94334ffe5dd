// A test harness small enough to run unchanged on Node, Bun and Deno: checks run in order, each
// prints one line, and the last line is a machine-readable summary for scripts/test-package.mjs.

const checks = [];

/** Registers a check; `fn` returns nothing to pass, a `skip(reason)` to skip, or throws to fail. */
export function check(name, fn) {
  checks.push({ name, fn });
}

/** What a check returns when the installed package lacks the feature it covers. */
export function skip(reason) {
  return { skipped: reason };
}

/** The name and version of the JavaScript runtime running this file. */
export function runtimeName() {
  if (globalThis.Deno) return `Deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `Bun ${globalThis.Bun.version}`;
  return `Node ${process.versions.node}`;
}

/** Runs every registered check and prints `SMOKE {"passed":…,"failed":…,"skipped":…}` last. */
export async function runChecks(facts = {}) {
  const summary = { runtime: runtimeName(), ...facts, passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  for (const { name, fn } of checks) {
    const started = Date.now();
    try {
      const result = await fn();
      if (result && typeof result.skipped === 'string') {
        summary.skipped++;
        summary.skips.push(`${name}: ${result.skipped}`);
        console.log(`  skip  ${name}: ${result.skipped}`);
      } else {
        summary.passed++;
        console.log(`  ok    ${name} (${Date.now() - started} ms)`);
      }
    } catch (error) {
      summary.failed++;
      summary.failures.push(`${name}: ${error?.message ?? error}`);
      console.log(`  FAIL  ${name}: ${error?.stack ?? error}`);
    }
  }
  console.log('SMOKE ' + JSON.stringify(summary));
  return summary;
}

/** Throws unless every value is within `tolerance × max(1, |expected|)` of the expected one. */
export function assertClose(actual, expected, tolerance, what) {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} values, expected ${e.length}`);
  a.forEach((v, i) => {
    const limit = tolerance * Math.max(1, Math.abs(e[i]));
    if (!(Math.abs(v - e[i]) <= limit)) throw new Error(`${what}[${i}] = ${v}, expected ${e[i]} ± ${limit} (all: ${a.join(', ')})`);
  });
}

/** Throws unless two float arrays hold the same bits. */
export function assertSameBits(actual, expected, what) {
  const bytes = (x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const a = bytes(actual);
  const e = bytes(expected);
  if (actual.constructor !== expected.constructor || a.length !== e.length || a.some((v, i) => v !== e[i])) {
    throw new Error(`${what}: not bit-identical (${Array.from(actual).slice(0, 4).join(', ')}… vs ${Array.from(expected).slice(0, 4).join(', ')}…)`);
  }
}
