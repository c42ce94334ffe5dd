// The digit pad: a small network learns 14 × 14 MNIST digits (digits-14x14.bin, made by
// make-digits.mjs from the `mnist` package) in a worker while the tab is open; a drawing is
// scaled and centred as MNIST's digits were (the ink's box fitted into 20 × 20 of 28 × 28, its
// centre of mass at the centre), averaged down to 14 × 14 and classified on the page.
import { MLP } from 'wasm-mlp';
import { Trainer } from './trainer-client.js';

const SIDE = 14;
const PIXELS = SIDE * SIDE;
const PER_DIGIT = 100;
const TEST_PER_DIGIT = 20;
const EPOCHS = 40;
const $ = (id) => document.getElementById(id);

const pad = { net: null, started: false, testAccuracy: NaN, epoch: 0, probabilities: null };

/** Splits the asset into training and test rows: the last TEST_PER_DIGIT of each class are held out. */
function split(bytes) {
  const train = { X: [], Y: [] };
  const test = { X: [], Y: [] };
  for (let digit = 0; digit < 10; digit++) {
    for (let n = 0; n < PER_DIGIT; n++) {
      const start = (digit * PER_DIGIT + n) * PIXELS;
      const part = n < PER_DIGIT - TEST_PER_DIGIT ? train : test;
      for (let p = 0; p < PIXELS; p++) part.X.push(bytes[start + p] / 255);
      part.Y.push(digit);
    }
  }
  const typed = (part) => ({ X: Float32Array.from(part.X), Y: Int32Array.from(part.Y) });
  return { kind: 'classification', train: typed(train), test: typed(test) };
}

/** Loads the digits, trains in a worker, and keeps the page's copy of the network current. */
async function learn() {
  const response = await fetch(new URL('./digits-14x14.bin', import.meta.url));
  if (!response.ok) throw new Error(`the digits did not load (HTTP ${response.status})`);
  const data = split(new Uint8Array(await response.arrayBuffer()));
  $('digit-train-count').textContent = `${data.train.Y.length} digits, ${data.test.Y.length} more held out for testing,`;
  const create = { layers: [PIXELS, 64, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1 };
  const trainer = new Trainer();
  const [built, net] = await Promise.all([
    trainer.build({ create, optimizer: { type: 'adam', learningRate: 0.003 }, batchSize: 32, data }),
    MLP.create({ layers: create.layers, activations: create.activations, loss: create.loss }),
  ]);
  if (built.type === 'error') throw new Error(built.message);
  pad.net = net;
  while (pad.epoch < EPOCHS) {
    const reply = await trainer.train(5);
    if (reply.type !== 'trained') throw new Error(reply.message);
    pad.epoch += reply.history.length;
    pad.testAccuracy = reply.history.at(-1).test.accuracy;
    net.setParameters(reply.theta);
    $('digit-status').textContent = `Epoch ${pad.epoch} of ${EPOCHS}: ${(100 * pad.testAccuracy).toFixed(1)}% of the held-out digits right.${pad.epoch < EPOCHS ? ' Training…' : ' Done: draw a digit.'}`;
    classify();
  }
  trainer.worker.terminate();
}

/** The drawing as the network's 196 inputs, or null while the pad is empty. */
function padInputs() {
  const canvas = $('pad');
  const { width, height } = canvas;
  const ink = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[(y * width + x) * 4] > 40) {
        left = Math.min(left, x); right = Math.max(right, x);
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  // Fit the ink's box into 20 × 20, keeping its shape.
  const w = right - left + 1;
  const h = bottom - top + 1;
  const scale = 20 / Math.max(w, h);
  const fitted = document.createElement('canvas');
  fitted.width = 28;
  fitted.height = 28;
  const ctx = fitted.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(canvas, left, top, w, h, 14 - (w * scale) / 2, 14 - (h * scale) / 2, w * scale, h * scale);
  // Then move the centre of mass to the centre.
  const pixels = ctx.getImageData(0, 0, 28, 28).data;
  let [mass, mx, my] = [0, 0, 0];
  for (let i = 0; i < 28 * 28; i++) {
    const v = pixels[i * 4];
    mass += v; mx += v * (i % 28); my += v * Math.floor(i / 28);
  }
  const centred = document.createElement('canvas');
  centred.width = 28;
  centred.height = 28;
  const c2 = centred.getContext('2d', { willReadFrequently: true });
  c2.drawImage(fitted, Math.round(13.5 - mx / mass), Math.round(13.5 - my / mass));
  const full = c2.getImageData(0, 0, 28, 28).data;
  const inputs = new Float32Array(PIXELS);
  for (let i = 0; i < SIDE; i++) {
    for (let j = 0; j < SIDE; j++) {
      const at = (di, dj) => full[((2 * i + di) * 28 + 2 * j + dj) * 4] / 255;
      inputs[i * SIDE + j] = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4;
    }
  }
  return inputs;
}

function showPreview(inputs) {
  const ctx = $('pad-preview').getContext('2d');
  const image = ctx.createImageData(SIDE, SIDE);
  for (let p = 0; p < PIXELS; p++) {
    const v = Math.round(255 * (inputs?.[p] ?? 0));
    image.data.set([v, v, v, 255], p * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** Classifies the drawing and shows the ten probabilities. */
function classify() {
  const list = $('probabilities');
  const inputs = padInputs();
  showPreview(inputs);
  pad.probabilities = inputs && pad.net ? Array.from(pad.net.predict(inputs)) : null;
  const p = pad.probabilities ?? new Array(10).fill(0);
  const best = pad.probabilities ? p.indexOf(Math.max(...p)) : -1;
  list.innerHTML = '';
  p.forEach((value, digit) => {
    const item = document.createElement('li');
    item.className = digit === best ? 'top' : '';
    item.innerHTML = `<span>${digit}</span><span class="bar" style="width:${(100 * value).toFixed(1)}%"></span><span>${(100 * value).toFixed(1)}%</span>`;
    list.append(item);
  });
  $('digit-guess').textContent = best >= 0 ? `It looks like a ${best} (${(100 * p[best]).toFixed(0)}%).` : pad.net ? 'Draw a digit on the pad.' : '';
}

/** Pointer drawing: white strokes on black, as MNIST's ink. */
function setUpDrawing() {
  const canvas = $('pad');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const clear = () => {
    ctx.fillStyle = 'black';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    classify();
  };
  clear();
  let last = null;
  let pending = false;
  const point = (event) => {
    const r = canvas.getBoundingClientRect();
    return [((event.clientX - r.left) * canvas.width) / r.width, ((event.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const next = point(event);
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...next);
    ctx.stroke();
    last = next;
    // Classify at most once a frame while drawing.
    if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; classify(); }); }
  });
  const end = () => { if (last) { last = null; classify(); } };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  $('clear-pad').onclick = clear;
}

/** Starts the tab once, the first time it is shown. */
export function setUpDigitPad() {
  if (pad.started) return;
  pad.started = true;
  window.digitPad = pad;
  setUpDrawing();
  learn().catch((error) => {
    $('digit-status').textContent = `The digit model could not be trained: ${error.message}`;
    console.error(error);
  });
}
