// The playground's training worker: it owns a network and its data and trains a requested
// number of epochs per message, so the page sets the pace (epochs per frame, or one step). It
// also computes the pictures (the output over the plane, each hidden unit's output) and, when
// the page hands over its canvases, paints them, so the page's thread has almost nothing to do.
import { MLP } from 'wasm-mlp';
import { Painter } from './painter.js';

let net = null;
/**
 * One network per hidden layer, ending at that layer (θ's prefix): their outputs are the units'
 * pictures. A network cannot end in a normalization, so with one each probe ends in an extra
 * linear layer that passes the hidden layer's activations through (identity weights, zero bias).
 */
let probes = [];
let grids = null;
let data = null;
let batchSize = 10;
let generation = 0;
let painter = null;
let latest = null;
const losses = { train: [], test: [] };

/** Loss and score of the network on one side of the split: accuracy for classifiers, R² for regression (whatever the loss). */
function measure(part) {
  if (part.Y.length === 0) return { loss: NaN, accuracy: NaN };
  const classification = data.kind === 'classification';
  const { loss, metrics } = net.evaluate(part.X, part.Y, { metrics: [classification ? 'accuracy' : 'r2'] });
  return { loss, accuracy: (classification ? metrics.accuracy : metrics.r2) ?? NaN };
}

/** The output over the plane grid and every hidden unit over the unit grid, one row per point. */
function pictures() {
  if (!grids) return null;
  const theta = net.getParameters();
  const running = net.getRunningStatistics();
  const units = probes.map(({ net: probe, passThrough }, l) => {
    const own = probe.parameterCount - passThrough.length;
    probe.setParameters(passThrough.length ? concat(theta.subarray(0, own), passThrough) : theta.subarray(0, own));
    if (running.length) probe.setRunningStatistics(running.filter((s) => s.layer <= l));
    return probe.predict(grids.units);
  });
  return { plane: net.predict(grids.plane), units };
}

function concat(a, b) {
  const out = new a.constructor(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The probe picturing hidden layer l of a network created with `create`: { net, passThrough (θ of its last layer, if it has one of its own) }. */
async function probeOf(create, l) {
  const { layers, activations, normalization } = create;
  if (!normalization) {
    const probe = await MLP.create({ layers: layers.slice(0, l + 2), activations: activations.slice(0, l + 1) });
    return { net: probe, passThrough: [] };
  }
  const units = layers[l + 1];
  const probe = await MLP.create({
    layers: [...layers.slice(0, l + 2), units], activations: [...activations.slice(0, l + 1), 'linear'], normalization: normalization.slice(0, l + 1),
  });
  // The pass-through layer's θ: the identity matrix, then a zero bias.
  const passThrough = new Array(units * units + units).fill(0);
  for (let u = 0; u < units; u++) passThrough[u * units + u] = 1;
  return { net: probe, passThrough };
}

/** Records the state after a build or some epochs, and repaints. */
function settle() {
  latest = { pictures: pictures(), theta: net.getParameters() };
  paint();
  return latest;
}

function paint() {
  if (painter && latest) painter.paint({ ...latest, layout: net.layout.layers, trainLoss: losses.train, testLoss: losses.test });
}

function record(train, test) {
  losses.train.push(train.loss);
  losses.test.push(test.loss);
}

const handlers = {
  /** The page's canvases, once: { canvases, grids, featureMaps } (see Painter). */
  canvases(message) {
    painter = new Painter(message);
    return { type: 'ready' };
  },
  /**
   * A new network on new data: { create, optimizer, batchSize, data: { kind, train: { X, Y },
   * test: { X, Y } }, grids?: { plane, units } (feature rows of the points to picture),
   * unitCanvases?, view? (for the painter) }.
   */
  async build(message) {
    const hidden = message.create.layers.length - 2;
    const [next, ...nextProbes] = await Promise.all([
      MLP.create({ ...message.create, threads: 'auto' }),
      ...(message.grids ? Array.from({ length: hidden }, (_, l) => probeOf(message.create, l)) : []),
    ]);
    next.setOptimizer(message.optimizer);
    net?.dispose();
    for (const probe of probes) probe.net.dispose();
    net = next;
    probes = nextProbes;
    grids = message.grids ?? null;
    data = message.data;
    batchSize = message.batchSize;
    generation = message.generation;
    losses.train = [];
    losses.test = [];
    painter?.setNetwork(message.unitCanvases ?? []);
    if (message.view) painter?.setView(message.view);
    const train = measure(data.train);
    const test = measure(data.test);
    record(train, test);
    return { type: 'built', threads: net.threads, threadsFallbackReason: net.threadsFallbackReason ?? null, theta: settle().theta, train, test };
  },
  /** Optimizer or batch size changed while the network keeps its weights. */
  configure(message) {
    if (message.optimizer) net.setOptimizer(message.optimizer);
    if (message.batchSize) batchSize = message.batchSize;
    return { type: 'configured' };
  },
  /** What the page shows changed (hover, test points, anchors of the links): repaint. */
  view(message) {
    painter?.setView(message.view);
    paint();
    return { type: 'painted' };
  },
  /** Trains `epochs` epochs, one fit call each, and measures both sets after each. */
  train(message) {
    const history = [];
    let fitMs = 0;
    for (let e = 0; e < message.epochs; e++) {
      const t0 = performance.now();
      const run = net.fit(data.train.X, data.train.Y, { epochs: 1, batchSize, onDivergence: 'stop' });
      fitMs += performance.now() - t0;
      if (run.stopReason === 'diverged') return { type: 'diverged', message: run.divergence.message, history, theta: settle().theta };
      const entry = { train: measure(data.train), test: measure(data.test) };
      record(entry.train, entry.test);
      history.push(entry);
    }
    return { type: 'trained', history, theta: settle().theta, samples: message.epochs * data.train.Y.length, fitMs };
  },
};

// Messages run one after another: a build awaits MLP.create, and nothing may train meanwhile.
let queue = Promise.resolve();
self.onmessage = ({ data: message }) => {
  queue = queue.then(async () => {
    try {
      const reply = await handlers[message.type](message);
      self.postMessage({ ...reply, id: message.id, generation });
    } catch (error) {
      self.postMessage({ type: 'error', id: message.id, generation, message: error.message });
    }
  });
};
