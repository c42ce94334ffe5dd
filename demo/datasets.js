// The playground's 2-D data sets, generated from a seed so a shared link shows the same points.
// Points live in the TensorFlow Playground's square x, y ∈ [−6, 6], stored divided by 6 so the
// network's inputs stay within [−1, 1]. Classification labels are 0 (orange) and 1 (blue);
// regression targets lie in [−1, 1].

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

const jitter = (r, noise) => noise * 0.15 * r.normal();

/** Each generator gives n points [u, v, label] with u, v ≈ x/6, y/6; `noise` is 0…1. */
export const DATASETS = {
  circle: { label: 'Circle', kind: 'classification', make(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const angle = r.next() * 2 * Math.PI;
      const radius = label ? 0.4 * r.next() : 0.6 + 0.3 * r.next();
      return [radius * Math.cos(angle) + jitter(r, noise), radius * Math.sin(angle) + jitter(r, noise), label];
    });
  } },
  xor: { label: 'Exclusive or', kind: 'classification', make(n, noise, r) {
    return Array.from({ length: n }, () => {
      // A margin around the axes, as in the TensorFlow Playground, so noise 0 is separable.
      const side = () => (r.next() < 0.5 ? -1 : 1) * (0.05 + 0.85 * r.next());
      const u = side();
      const v = side();
      return [u + jitter(r, noise), v + jitter(r, noise), u * v > 0 ? 1 : 0];
    });
  } },
  gaussian: { label: 'Gaussian', kind: 'classification', make(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const c = label ? 0.4 : -0.4;
      const spread = 0.1 + noise * 0.25;
      return [c + spread * r.normal(), c + spread * r.normal(), label];
    });
  } },
  spiral: { label: 'Spiral', kind: 'classification', make(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      // 1.75 turns, as in the TensorFlow Playground.
      const share = Math.floor(i / 2) / (n / 2);
      const t = share * 3.5 * Math.PI;
      const radius = 0.08 + 0.8 * share;
      const angle = t + label * Math.PI;
      return [radius * Math.cos(angle) + jitter(r, noise) * 0.8, radius * Math.sin(angle) + jitter(r, noise) * 0.8, label];
    });
  } },
  moons: { label: 'Two moons', kind: 'classification', make(n, noise, r) {
    return Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const t = r.next() * Math.PI;
      const x = label ? 1 - Math.cos(t) : Math.cos(t);
      const y = label ? 0.5 - Math.sin(t) : Math.sin(t);
      return [(x - 0.5) * 0.6 + jitter(r, noise), (y - 0.25) * 0.6 + jitter(r, noise), label];
    });
  } },
  plane: { label: 'Plane (regression)', kind: 'regression', make(n, noise, r) {
    return Array.from({ length: n }, () => {
      const u = 2 * r.next() - 1;
      const v = 2 * r.next() - 1;
      // Noise moves the point after its value is fixed, as the TensorFlow Playground does.
      return [u + jitter(r, noise), v + jitter(r, noise), (u + v) / 2];
    });
  } },
  bumps: { label: 'Gaussian bumps (regression)', kind: 'regression', make(n, noise, r) {
    const bumps = [[-0.5, 0.5, 1], [0.5, 0.5, -1], [-0.5, -0.5, -1], [0.5, -0.5, 1], [0, 0, 0.6]];
    return Array.from({ length: n }, () => {
      const u = 2 * r.next() - 1;
      const v = 2 * r.next() - 1;
      let value = 0;
      for (const [cu, cv, sign] of bumps) value += sign * Math.exp(-((u - cu) ** 2 + (v - cv) ** 2) / (2 * 0.2 ** 2));
      return [u + jitter(r, noise), v + jitter(r, noise), Math.max(-1, Math.min(1, value))];
    });
  } },
};

/** The input features the network may see, as the TensorFlow Playground names them (x, y ∈ [−6, 6]). */
export const FEATURES = {
  x: { label: 'x', of: (u) => u },
  y: { label: 'y', of: (_, v) => v },
  xSquared: { label: 'x²', of: (u) => u * u },
  ySquared: { label: 'y²', of: (_, v) => v * v },
  xTimesY: { label: 'x·y', of: (u, v) => u * v },
  sinX: { label: 'sin x', of: (u) => Math.sin(6 * u) },
  sinY: { label: 'sin y', of: (_, v) => Math.sin(6 * v) },
};

/** Points of a named data set, shuffled by the seed so a train/test split takes the first rows. */
export function makePoints(name, n, noise, seed) {
  const r = seeded(seed);
  return shuffled(DATASETS[name].make(n, noise, r), r);
}

/** A seeded shuffle, so a split's test points are spread over the whole set. */
export function shuffled(points, r) {
  const out = points.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The feature rows of points (u, v scaled coordinates) as one flat Float32Array. */
export function featureRows(points, features) {
  const out = new Float32Array(points.length * features.length);
  points.forEach(([u, v], i) => features.forEach((f, k) => { out[i * features.length + k] = FEATURES[f].of(u, v); }));
  return out;
}

/**
 * Splits points into training and test sets (the first `trainPercent`% train) and turns them
 * into network inputs and targets: class labels for classification, one target column otherwise.
 */
export function splitData(points, kind, features, trainPercent) {
  const cut = Math.max(1, Math.min(points.length - 1, Math.round((points.length * trainPercent) / 100)));
  const part = (rows) => ({
    points: rows,
    X: featureRows(rows, features),
    Y: kind === 'classification' ? Int32Array.from(rows, (p) => p[2]) : Float32Array.from(rows, (p) => p[2]),
  });
  return { kind, train: part(points.slice(0, cut)), test: part(points.slice(cut)) };
}
