// The playground's 2-D data sets, generated from a seed so every reset shows the same points.

/** A small seeded generator (mulberry32): the demo's data must not change between reloads. */
export function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

/** Points in [-1, 1]², labels 0 or 1. `noise` is 0…1. */
export const DATASETS = {
  spiral(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const t = (Math.floor(i / 2) / (n / 2)) * 1.75 * Math.PI;
      const radius = 0.08 + (0.85 * t) / (1.75 * Math.PI);
      const angle = t + label * Math.PI;
      return [radius * Math.cos(angle) + noise * 0.12 * r.normal(), radius * Math.sin(angle) + noise * 0.12 * r.normal(), label];
    });
  },
  moons(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const t = r.next() * Math.PI;
      const x = label ? 1 - Math.cos(t) : Math.cos(t);
      const y = label ? 0.5 - Math.sin(t) : Math.sin(t);
      return [(x - 0.5) * 0.62 + noise * 0.15 * r.normal(), (y - 0.25) * 0.62 + noise * 0.15 * r.normal(), label];
    });
  },
  circles(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const angle = r.next() * 2 * Math.PI;
      const radius = label ? 0.3 * r.next() : 0.55 + 0.3 * r.next();
      return [radius * Math.cos(angle) + noise * 0.12 * r.normal(), radius * Math.sin(angle) + noise * 0.12 * r.normal(), label];
    });
  },
  xor(n, noise, r) {
    return Array.from({ length: n }, () => {
      const x = r.next() * 1.8 - 0.9;
      const y = r.next() * 1.8 - 0.9;
      const label = x * y > 0 ? 1 : 0;
      return [x + noise * 0.12 * r.normal(), y + noise * 0.12 * r.normal(), label];
    });
  },
  gaussians(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const c = label ? 0.4 : -0.4;
      const spread = 0.12 + noise * 0.3;
      return [c + spread * r.normal(), c + spread * r.normal(), label];
    });
  },
};

/** The data set as the network wants it: flat Float32Array inputs and class labels. */
export function makeData(name, n, noise, seed = 1) {
  const points = DATASETS[name](n, noise, seeded(seed));
  return {
    points,
    X: Float32Array.from(points.flatMap(([x, y]) => [x, y])),
    labels: Int32Array.from(points, (p) => p[2]),
  };
}
