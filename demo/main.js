// The playground: a 2-D problem trained by wasm-mlp in a Web Worker (trainer.js) at a pace the
// page sets (epochs per frame, or one step), drawn live: the output over the plane, every
// unit's output, train and test loss. The worker also paints the canvases (handed over as
// OffscreenCanvas), so this thread only asks for epochs and updates the readouts. It imports
// the package as any Vite app would; its copy of the network holds θ for the weight views.
import { MLP, listActivations, listLosses, listNormalizations, listOptimizers } from 'wasm-mlp';
import { fillMenus, menuChoices } from './menus.js';
import { FEATURES, featureRows, makePoints, seeded, shuffled, splitData } from './datasets.js';
import { formatLoss } from './plots.js';
import { drawWeights } from './weights-view.js';
import { SETTINGS, applyQuery, parseLayers, readSettings, toQuery } from './settings.js';
import { buildColumns, measureAnchors, thumbnailsOf } from './network-view.js';
import { Trainer } from './trainer-client.js';
import { setUpCsvUpload } from './csv-upload.js';
import { setUpTabs } from './tabs.js';
import { setUpPanes } from './panes.js';
import { setUpDigitPad } from './digit-pad.js';
import { setUpSeedTab } from './seed-tab.js';

const $ = (id) => document.getElementById(id);
const PLANE_GRID = 80;
const UNIT_GRID = 40;
const FEATURE_NAMES = Object.keys(FEATURES);

const state = {
  trainer: new Trainer(),
  settings: null,
  data: null,
  csv: null,
  net: null,
  epoch: 0,
  trainLoss: [],
  testLoss: [],
  last: null,
  playing: false,
  busy: false,
  building: Promise.resolve(),
  hovered: null,
  samples: 0,
  fitMs: 0,
  dirty: false,
  /** When the readouts were last updated (a frame's time). */
  shown: 0,
  /** A rebuild ('data' or 'network') refused while a setting was invalid. */
  refused: null,
};

/** The grid of a size × size picture of the plane as [u, v] points, row 0 at the top. */
function gridPoints(size) {
  const points = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) points.push([-1 + (2 * (j + 0.5)) / size, 1 - (2 * (i + 0.5)) / size]);
  return points;
}
const planePoints = gridPoints(PLANE_GRID);
const unitPoints = gridPoints(UNIT_GRID);

/** Hands the canvases to the worker, with each feature's values for its thumbnail and the plane. */
function handOverCanvases() {
  const offscreen = (el) => el.transferControlToOffscreen();
  const canvases = {
    plane: offscreen($('plane')), chart: offscreen($('loss-chart')), links: offscreen($('links')),
    features: FEATURE_NAMES.map((f) => offscreen($(`feature-${f}`).closest('.unit').querySelector('canvas'))),
  };
  const valuesOver = (points) => FEATURE_NAMES.map((f) => Float32Array.from(points, ([u, v]) => FEATURES[f].of(u, v)));
  const featureMaps = { plane: valuesOver(planePoints), units: valuesOver(unitPoints) };
  state.trainer.request({ type: 'canvases', canvases, grids: { plane: PLANE_GRID, units: UNIT_GRID }, featureMaps }, [canvases.plane, canvases.chart, canvases.links, ...canvases.features]);
}

function optimizerOf(s) {
  if (s.optimizer === 'sgd-momentum') return { type: 'sgd', learningRate: s.learningRate, momentum: 0.9, weightDecay: s.weightDecay };
  return { type: s.optimizer, learningRate: s.learningRate, weightDecay: s.weightDecay };
}

/** Highlights invalid controls, each with its message beside it; true when all are valid. */
function showErrors(errors) {
  const ids = [...SETTINGS.map((s) => s.id), 'features', 'csv-file'];
  for (const id of ids) {
    const control = id === 'features' ? document.querySelector('fieldset.features') : $(id);
    const message = errors[id];
    let note = $(`${id}-error`);
    if (message && !note) {
      note = document.createElement('span');
      note.id = `${id}-error`;
      note.className = 'errors field-error';
      (control.closest('label') ?? control).after(note);
    }
    if (note) note.textContent = message ?? '';
    control.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message) control.setAttribute('aria-describedby', `${id}-error`);
  }
  const messages = Object.values(errors);
  $('errors').textContent = messages.length ? `Not applied until fixed:\n${messages.join('\n')}` : '';
  return messages.length === 0;
}

/** Reads the controls; with an invalid one, says so and returns null. */
function validSettings() {
  const { values, errors } = readSettings();
  if (values.dataset === 'csv' && !state.csv) errors['csv-file'] = 'Upload a CSV file first';
  if (values.dataset === 'csv' && state.csv) values.kind = state.csv.kind;
  return showErrors(errors) ? values : null;
}

function updateUrl() {
  const query = toQuery();
  query.set('tab', document.querySelector('[role="tab"][aria-selected="true"]').id.replace('tab-', ''));
  history.replaceState(null, '', `?${query}`);
}

/** New points (for a data change) and a new network in the worker and on the page; one at a time. */
function rebuild(level) {
  state.building = state.building.then(() => replaceNetwork(level)).catch((error) => {
    $('status').textContent = `Could not build the network: ${error.message}`;
    console.error(error);
  });
  return state.building;
}

async function replaceNetwork(level) {
  updateUrl();
  const s = validSettings();
  if (!s) {
    // Remember the strongest change refused, to apply once every setting is valid again.
    if (level === 'data' || !state.refused) state.refused = level;
    $('status').textContent = 'A setting is invalid (highlighted); the network was not changed.';
    return;
  }
  if (state.refused === 'data') level = 'data';
  state.refused = null;
  if (level === 'data' || !state.data || s.features.join() !== state.settings?.features.join()) {
    const points = s.dataset === 'csv' ? shuffled(state.csv.points, seeded(s.seed)) : makePoints(s.dataset, s.points, s.noise, s.seed);
    state.data = splitData(points, s.kind, s.features, s.trainPercent);
  }
  state.settings = s;
  showRelevantControls(s.kind);
  const classification = s.kind === 'classification';
  const create = {
    layers: [s.features.length, ...s.layers, classification ? 2 : 1],
    activations: [...s.layers.map(() => s.activation), classification ? 'softmax' : 'linear'],
    loss: classification ? 'cross-entropy' : s.regressionLoss,
    seed: s.seed,
    ...(s.layers.length && s.dropout > 0 ? { dropout: s.dropout } : {}),
    ...(s.layers.length && s.normalization !== 'none' ? { normalization: s.layers.map(() => s.normalization) } : {}),
    ...(classification && s.labelSmoothing > 0 ? { lossOptions: { labelSmoothing: s.labelSmoothing } } : {}),
  };
  state.hovered = null;
  buildColumns($('hidden-columns'), s.layers, { onUnits: changeUnits, onHover: hover });
  const unitCanvases = s.layers.map((_, l) => thumbnailsOf($('hidden-columns'), l).map((c) => c.transferControlToOffscreen()));
  const copy = (part) => ({ X: part.X.slice(), Y: part.Y.slice() });
  const message = {
    create, optimizer: optimizerOf(s), batchSize: s.batchSize,
    data: { kind: s.kind, train: copy(state.data.train), test: copy(state.data.test) },
    grids: { plane: featureRows(planePoints, s.features), units: featureRows(unitPoints, s.features) },
    unitCanvases, view: { ...viewOf(s), anchors: anchors() },
  };
  const [reply, net] = await Promise.all([
    state.trainer.build(message, unitCanvases.flat()),
    MLP.create({ layers: create.layers, activations: create.activations, loss: create.loss, ...(create.normalization && { normalization: create.normalization }), ...(create.lossOptions && { lossOptions: create.lossOptions }) }),
  ]);
  if (reply.type === 'error') throw new Error(reply.message);
  state.net?.dispose();
  state.net = net;
  net.setParameters(reply.theta);
  state.epoch = 0;
  state.trainLoss = [reply.train.loss];
  state.testLoss = [reply.test.loss];
  state.last = reply;
  state.samples = 0;
  state.fitMs = 0;
  showThreads(reply);
  $('param-count').textContent = `${net.parameterCount} parameters (layers ${net.layers.join('-')}).`;
  $('rate').textContent = '–';
  $('data-summary').textContent = `${state.data.train.points.length} training and ${state.data.test.points.length} test points; ${s.kind}.`;
  $('test-accuracy-label').textContent = classification ? 'Test accuracy' : 'Test R²';
  $('remove-layer').disabled = s.layers.length === 0;
  $('add-layer').disabled = s.layers.length >= 6;
  $('status').textContent = state.playing ? 'Training…' : 'Ready: press Play to train, or Step for one epoch.';
  state.dirty = true;
}

/** What the painter needs to know about the page's settings. */
function viewOf(s) {
  return {
    kind: s.kind, activation: s.activation, layers: s.layers, discretize: s.discretize, showTest: s.showTest,
    hovered: state.hovered, train: state.data.train.points, test: state.data.test.points,
  };
}

/** Where the links attach, measured from the page's layout. */
function anchors() {
  const features = FEATURE_NAMES.filter((f) => $(`feature-${f}`).checked).map((f) => $(`feature-${f}`).closest('.unit').querySelector('canvas'));
  const columns = [features, ...[...$('hidden-columns').children].map((_, l) => thumbnailsOf($('hidden-columns'), l))];
  const measured = measureAnchors($('network-view'), columns);
  $('links').style.width = `${measured.width}px`;
  $('links').style.height = `${measured.height}px`;
  return measured;
}

/** Tells the painter about a change of view (hover, checkboxes, layout). */
function repaint(view) {
  if (!state.settings) return;
  state.trainer.request({ type: 'view', view });
  state.dirty = true;
}

/** Only the controls that apply to the data set's task: a loss for regression, label smoothing for classification. */
function showRelevantControls(kind) {
  for (const control of document.querySelectorAll('[data-for]')) control.hidden = control.dataset.for !== kind;
}

function showThreads(reply) {
  $('threads').textContent = String(reply.threads);
  $('threads-note').textContent = reply.threadsFallbackReason
    ? `One thread: ${reply.threadsFallbackReason}.`
    : `Up to ${reply.threads} threads, one per 2²⁰ multiply-adds of a batch: small networks and batches run on one (try hidden layers 256,256 with batch size 64).`;
}

/** Trains `epochs` epochs in the worker and takes the result. */
async function train(epochs) {
  state.busy = true;
  try {
    await state.building;
    if (!state.settings) return;
    const reply = await state.trainer.train(epochs);
    if (reply.stale) return;
    if (reply.type === 'error') throw new Error(reply.message);
    for (const { train: t, test } of reply.history) {
      state.trainLoss.push(t.loss);
      state.testLoss.push(test.loss);
      state.last = { train: t, test };
    }
    state.epoch += reply.history.length;
    state.net.setParameters(reply.theta);
    if (reply.type === 'diverged') {
      pause(`Training stopped: ${reply.message}. Lower the learning rate and press Reset.`);
    } else {
      state.samples += reply.samples;
      state.fitMs += reply.fitMs;
    }
    state.dirty = true;
  } catch (error) {
    pause(`Training stopped: ${error.message}`);
    console.error(error);
  } finally {
    state.busy = false;
  }
}

function play() {
  state.playing = true;
  $('play-button').textContent = '❚❚ Pause';
  $('play-button').setAttribute('aria-label', 'Pause');
  $('status').textContent = 'Training in a Web Worker…';
}

/** Stops asking for epochs; the ones already asked for still arrive, so the message names the epoch once they have. */
async function pause(message) {
  state.playing = false;
  $('play-button').textContent = '▶ Play';
  $('play-button').setAttribute('aria-label', 'Play');
  if (message) { $('status').textContent = message; return; }
  while (state.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!state.playing) $('status').textContent = `Paused after epoch ${state.epoch}.`;
}

async function step() {
  if (state.playing) pause();
  while (state.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  await train(1);
  $('status').textContent = `Stepped to epoch ${state.epoch}.`;
}

/**
 * Every frame: ask for the next epochs once the last ones are back. The readouts change at most
 * ten times a second while playing: each change costs this thread a layout and a paint, and the
 * pictures, painted by the worker, show the progress anyway.
 */
function frame(now) {
  if (state.playing && !state.busy) train(Number($('speed').value));
  if (state.dirty && (!state.playing || now - state.shown >= 100)) {
    state.dirty = false;
    state.shown = now;
    showReadouts();
  }
  requestAnimationFrame(frame);
}

function showReadouts() {
  const { net, settings: s } = state;
  if (!net) return;
  const classification = s.kind === 'classification';
  const hovered = state.hovered;
  $('plane-caption').textContent = hovered?.feature !== undefined
    ? `Feature ${FEATURES[FEATURE_NAMES[hovered.feature]].label} over the plane.`
    : hovered
      ? `Hidden layer ${hovered.layer + 1}, unit ${hovered.unit + 1} (${s.activation}) over the plane.`
      : classification ? 'The network\'s p(blue): orange below ½, blue above.' : 'The network\'s output: orange −1 … blue +1.';
  // The heat maps only while their section is open.
  if ($('weights').closest('details').open) drawWeights($('weights'), net, $('weight-value'));
  $('epoch').textContent = state.epoch.toLocaleString('en-US');
  const { train: t, test } = state.last;
  $('train-loss').textContent = formatLoss(t.loss);
  $('test-loss').textContent = formatLoss(test.loss);
  $('test-accuracy').textContent = classification ? `${(100 * test.accuracy).toFixed(1)}%` : Number.isFinite(test.accuracy) ? test.accuracy.toFixed(3) : '–';
  if (state.fitMs > 0) $('rate').textContent = Math.round((1000 * state.samples) / state.fitMs).toLocaleString('en-US');
}

function hover(target) {
  state.hovered = target;
  for (const canvas of document.querySelectorAll('canvas.neuron')) {
    canvas.classList.toggle('shown', target?.layer === Number(canvas.dataset.layer) && target?.unit === Number(canvas.dataset.unit));
  }
  repaint({ hovered: target });
}

/** The − / + buttons of a hidden column and the ± layer buttons edit the hidden-layers text. */
function changeUnits(layer, delta) {
  const parsed = parseLayers($('layers').value);
  if (!parsed.value) return;
  const layers = parsed.value;
  layers[layer] = Math.max(1, Math.min(256, layers[layer] + delta));
  $('layers').value = layers.join(',');
  rebuild('network');
}

function changeLayers(delta) {
  const parsed = parseLayers($('layers').value);
  if (!parsed.value) return;
  const layers = parsed.value;
  if (delta > 0 && layers.length < 6) layers.push(layers.at(-1) ?? 4);
  if (delta < 0) layers.pop();
  $('layers').value = layers.join(',');
  rebuild('network');
}

/** Optimizer, learning rate, weight decay and batch size change in the running network. */
async function configureLive() {
  updateUrl();
  const s = validSettings();
  if (!s) return;
  if (state.refused) return rebuild(state.refused);
  await state.building;
  Object.assign(state.settings, { optimizer: s.optimizer, learningRate: s.learningRate, weightDecay: s.weightDecay, batchSize: s.batchSize });
  const reply = await state.trainer.configure({ optimizer: optimizerOf(s), batchSize: s.batchSize });
  if (reply.type === 'error') showErrors({ 'learning-rate': reply.message });
  else $('status').textContent = `${$('optimizer').selectedOptions[0].textContent} at learning rate ${s.learningRate}, batch size ${s.batchSize}: applied from the next epoch (the optimizer's state starts afresh).`;
}

/** Speed and the two view checkboxes change nothing but the pace and the picture. */
function changeView() {
  updateUrl();
  const s = validSettings();
  if (!s || !state.settings) return;
  Object.assign(state.settings, { speed: s.speed, showTest: s.showTest, discretize: s.discretize });
  repaint({ showTest: s.showTest, discretize: s.discretize });
}

function wireControls() {
  const actions = { live: configureLive, none: changeView, data: () => rebuild('data'), network: () => rebuild('network') };
  for (const s of SETTINGS) $(s.id).addEventListener('change', actions[s.rebuild]);
  FEATURE_NAMES.forEach((f, k) => {
    const box = $(`feature-${f}`);
    box.addEventListener('change', () => rebuild('network'));
    // Pointer over the feature, or keyboard focus on its checkbox, shows it on the plane.
    const unit = box.closest('.unit');
    unit.addEventListener('pointerenter', () => hover({ feature: k }));
    unit.addEventListener('pointerleave', () => hover(null));
    box.addEventListener('focus', () => hover({ feature: k }));
    box.addEventListener('blur', () => hover(null));
  });
  // The links follow the view's layout.
  new ResizeObserver(() => repaint({ anchors: anchors() })).observe($('network-view'));
  $('weights').closest('details').addEventListener('toggle', () => { state.dirty = true; });
  $('noise').addEventListener('input', () => { $('noise-value').textContent = $('noise').value; });
  $('train-percent').addEventListener('input', () => { $('train-percent-value').textContent = `${$('train-percent').value}%`; });
  $('play-button').onclick = () => (state.playing ? pause() : play());
  $('step').onclick = () => step();
  $('reset').onclick = () => rebuild('network');
  $('regenerate').onclick = () => { $('seed').value = String((Number($('seed').value) % 999999) + 1); rebuild('data'); };
  $('add-layer').onclick = () => changeLayers(+1);
  $('remove-layer').onclick = () => changeLayers(-1);
  $('share').onclick = async () => {
    updateUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      $('status').textContent = 'Link copied: it reproduces this whole setup.';
    } catch {
      $('status').textContent = `Copy this link to share the setup: ${location.href}`;
    }
  };
  // Keyboard: space plays or pauses, s steps, r resets, unless a control has the focus.
  document.addEventListener('keydown', (event) => {
    if ($('play').hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest('input, select, textarea, button, summary, [role="tab"]')) return;
    if (event.key === ' ') { event.preventDefault(); $('play-button').click(); }
    else if (event.key === 's') $('step').click();
    else if (event.key === 'r') $('reset').click();
  });
}

fillMenus(document, menuChoices({ activations: listActivations(), optimizers: listOptimizers(), losses: listLosses(), normalizations: listNormalizations() }));
const query = new URLSearchParams(location.search);
const problems = applyQuery(query);
$('noise-value').textContent = $('noise').value;
$('train-percent-value').textContent = `${$('train-percent').value}%`;
handOverCanvases();
wireControls();
setUpPanes($('play'));
setUpCsvUpload({
  onData: (csv) => {
    state.csv = csv;
    $('csv-option').disabled = false;
    $('dataset').value = 'csv';
    showErrors({});
    rebuild('data');
  },
  onError: (message) => showErrors({ 'csv-file': message }),
});
setUpTabs({ initial: query.get('tab'), onChange: (tab) => { updateUrl(); if (tab === 'digits') setUpDigitPad(); } });
await rebuild('data');
if (problems.length) $('status').textContent = `From the link: ${problems.join('; ')}.`;
requestAnimationFrame(frame);
await setUpSeedTab();
// For the browser test and the curious: the live state.
window.playground = state;
