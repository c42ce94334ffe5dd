// The playground: a 2-D classifier trained by wasm-mlp in a Web Worker (net.fitAsync with
// { worker: true }), drawn live. It imports the package as any Vite app would.
import { MLP } from 'wasm-mlp';
import { makeData } from './datasets.js';
import { drawBoundary, drawLossCurve, drawWeights } from './plots.js';
import { setUpSeedTab } from './seed-tab.js';

const $ = (id) => document.getElementById(id);
const state = { resetting: Promise.resolve(), net: null, data: null, losses: [], epoch: 0, controller: null, training: false, samples: 0, since: 0, frame: 0 };

function settings() {
  const layers = $('layers').value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0 && n <= 256);
  const [type, momentum] = $('optimizer').value === 'sgd-momentum' ? ['sgd', 0.9] : [$('optimizer').value, 0];
  return {
    dataset: $('dataset').value, noise: Number($('noise').value), points: Number($('points').value),
    hidden: layers.length ? layers : [8], activation: $('activation').value,
    optimizer: type === 'sgd' ? { type, learningRate: Number($('learning-rate').value), momentum } : { type, learningRate: Number($('learning-rate').value) },
    batchSize: Number($('batch-size').value),
  };
}

/** A fresh network and data set from the controls; training stops first. Resets run one at a time. */
function reset() {
  state.resetting = state.resetting.then(replaceNetwork).catch((error) => {
    $('status').textContent = `Could not build the network: ${error.message}`;
    console.error(error);
  });
  return state.resetting;
}

async function replaceNetwork() {
  await pause();
  const s = settings();
  // 'auto': every core when the page is cross-origin isolated (vite.config.js sends the headers),
  // else one thread with the reason. fitAsync's worker trains on as many.
  const net = await MLP.create({ layers: [2, ...s.hidden, 2], activations: [...s.hidden.map(() => s.activation), 'softmax'], loss: 'cross-entropy', seed: 7, threads: 'auto' });
  net.setOptimizer(s.optimizer);
  // The old network stays whole until its successor exists (starting threads takes a moment).
  state.net?.dispose();
  state.net = net;
  state.data = makeData(s.dataset, s.points, s.noise);
  state.losses = [];
  state.epoch = 0;
  $('param-count').textContent = `(${net.parameterCount} parameters, layers ${net.layers.join('-')})`;
  $('rate').textContent = '–';
  showThreads(net);
  render();
}

/** The thread count, and why it is one when threads were unavailable. */
function showThreads(net) {
  $('threads').textContent = String(net.threads);
  $('threads-note').textContent = net.threadsFallbackReason
    ? `One thread: ${net.threadsFallbackReason}.`
    : `Up to ${net.threads} threads, one per 2²⁰ multiply-adds of a batch: small networks and batches run on one (try hidden layers 256,256 with batch size 64).`;
}

async function start() {
  if (state.training) return;
  await state.resetting; // a network being replaced is not trained
  if (state.training) return;
  state.training = true;
  const s = settings();
  state.net.setOptimizer(s.optimizer);
  state.controller = new AbortController();
  state.samples = 0;
  state.since = performance.now();
  $('start').textContent = 'Pause';
  $('status').textContent = 'Training in a Web Worker…';
  const run = state.net.fitAsync(state.data.X, state.data.labels, {
    worker: true, epochs: 1_000_000, batchSize: s.batchSize, signal: state.controller.signal,
    onEpochEnd: (_, { loss }) => {
      state.epoch++;
      state.losses.push(loss);
      state.samples += state.data.labels.length;
      scheduleRender();
    },
  });
  state.running = run;
  try {
    await run;
  } catch (error) {
    $('status').textContent = `Training stopped: ${error.message}`;
    console.error(error);
  } finally {
    state.training = false;
    $('start').textContent = 'Start';
  }
}

async function pause() {
  if (!state.training) return;
  state.controller.abort();
  await state.running;
  $('status').textContent = `Paused after epoch ${state.epoch}. The network keeps the weights of its last completed epoch.`;
  render();
}

function scheduleRender() {
  if (state.frame) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    render();
  });
}

function render() {
  const { net, data } = state;
  if (!net) return;
  const accuracy = drawBoundary($('boundary'), net, data.points);
  drawLossCurve($('loss-curve'), state.losses);
  drawWeights($('weights'), net, $('weight-value'));
  $('epoch').textContent = state.epoch.toLocaleString('en-US');
  $('loss').textContent = state.losses.length ? formatLoss(state.losses[state.losses.length - 1]) : '–';
  $('accuracy').textContent = `${(100 * accuracy).toFixed(1)}%`;
  const seconds = (performance.now() - state.since) / 1000;
  if (state.training && seconds > 0.2) $('rate').textContent = Math.round(state.samples / seconds).toLocaleString('en-US');
}

/** Four decimals, or three significant digits in exponent form once the loss is that small. */
export function formatLoss(loss) {
  return loss >= 0.001 ? loss.toFixed(4) : loss.toExponential(2);
}

$('start').onclick = () => (state.training ? pause() : start());
$('reset').onclick = () => reset();
for (const id of ['dataset', 'noise', 'points', 'layers', 'activation']) $(id).onchange = () => reset();
$('noise').oninput = () => { $('noise-value').textContent = $('noise').value; };
// Optimizer settings apply when training (re)starts; restart now if running.
for (const id of ['optimizer', 'learning-rate', 'batch-size']) {
  $(id).onchange = async () => {
    if (!state.training) return;
    await pause();
    start();
  };
}
for (const tab of document.querySelectorAll('[role="tab"]')) {
  tab.onclick = () => {
    for (const other of document.querySelectorAll('[role="tab"]')) {
      other.setAttribute('aria-selected', String(other === tab));
      $(other.getAttribute('aria-controls')).hidden = other !== tab;
    }
  };
}

await reset();
await setUpSeedTab();
// For the browser test and the curious: the live state.
window.playground = state;
