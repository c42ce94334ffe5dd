// Seeded synthetic data for the benchmarks: the same bytes for every contender.

/** Uniform numbers in [0, 1) from a 32-bit xorshift: fast, seeded, reproducible. */
export function uniform(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** `count` samples of `inputs` features in [0, 1) with labels in [0, classes), plus one-hot targets. */
export function classification(count, inputs, classes, seed = 1) {
  const next = uniform(seed);
  const x = new Float32Array(count * inputs);
  for (let i = 0; i < x.length; i++) x[i] = next();
  const labels = new Int32Array(count);
  const oneHot = new Float32Array(count * classes);
  for (let i = 0; i < count; i++) {
    labels[i] = Math.floor(next() * classes);
    oneHot[i * classes + labels[i]] = 1;
  }
  return { x, labels, oneHot, count, inputs, classes };
}

/** Two interleaved half-moons in the plane: a 2-D toy classification set. */
export function moons(count, seed = 2) {
  const next = uniform(seed);
  const x = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  const oneHot = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const t = Math.PI * next();
    x[2 * i] = (label ? 1 - Math.cos(t) : Math.cos(t)) + 0.1 * (next() - 0.5);
    x[2 * i + 1] = (label ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.1 * (next() - 0.5);
    labels[i] = label;
    oneHot[2 * i + label] = 1;
  }
  return { x, labels, oneHot, count, inputs: 2, classes: 2 };
}

/** Rows of a flat array, as number[][] (what brain.js and plain-array callers pass). */
export function rows(flat, width) {
  return Array.from({ length: flat.length / width }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
}
