// Canvas drawings: value maps over the plane (the output and each unit), the data points and
// the loss chart. They use no DOM, so the training worker paints with them on OffscreenCanvas.
// Values are shown as the TensorFlow Playground does: orange for negative, white near zero,
// blue for positive.

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
/** The smallest loss the log chart and the readouts distinguish from zero (float32 resolution of a mean near 1). */
export const LOSS_FLOOR = 1e-7;

/** RGB for a value in [−1, 1]. */
export function colourOf(value) {
  const t = Math.min(1, Math.abs(value));
  const c = value >= 0 ? BLUE : ORANGE;
  return [255 + (c[0] - 255) * t, 255 + (c[1] - 255) * t, 255 + (c[2] - 255) * t];
}

const scratch = new Map();
/** An offscreen canvas of a size, reused: one per grid resolution. */
function offscreen(size) {
  if (!scratch.has(size)) scratch.set(size, new OffscreenCanvas(size, size));
  return scratch.get(size);
}

/**
 * Paints a size × size grid of values (row 0 at the top, y = +6) onto the canvas, each value
 * mapped by `toUnit` into [−1, 1]; `discretize` shows only the sign.
 */
export function drawMap(canvas, values, size, toUnit, { discretize = false, smooth = true } = {}) {
  const ctx = canvas.getContext('2d');
  const off = offscreen(size);
  const offCtx = off.getContext('2d');
  const image = offCtx.createImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    let v = toUnit(values[k]);
    if (discretize) v = v >= 0 ? 1 : -1;
    const [r, g, b] = colourOf(v * 0.85);
    image.data[k * 4] = r;
    image.data[k * 4 + 1] = g;
    image.data[k * 4 + 2] = b;
    image.data[k * 4 + 3] = 255;
  }
  offCtx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** Draws points [u, v, label]: training points ringed in white, test points in black. */
export function drawPoints(canvas, points, kind, { test = false } = {}) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const radius = Math.max(2.5, width / 110);
  ctx.lineWidth = test ? 1.5 : 1;
  ctx.strokeStyle = test ? 'black' : 'white';
  for (const [u, v, label] of points) {
    ctx.beginPath();
    ctx.arc(((u + 1) / 2) * width, ((1 - v) / 2) * height, radius, 0, 2 * Math.PI);
    const colour = kind === 'classification' ? (label ? BLUE : ORANGE) : colourOf(label).map(Math.round);
    ctx.fillStyle = `rgb(${colour.join(',')})`;
    ctx.fill();
    ctx.stroke();
  }
}

/** Axis ticks at x, y = −6, 0, 6, as the TensorFlow Playground labels its plane. */
export function drawAxes(canvas) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = 'rgba(31, 41, 51, 0.75)';
  ctx.font = `${Math.round(width / 36)}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.fillText('−6', 3, height - 4);
  ctx.textAlign = 'right';
  ctx.fillText('6', width - 3, height - 4);
  ctx.textAlign = 'left';
  ctx.fillText('6', 3, 14);
}

/** Four decimals, then three significant digits in exponent form; never 0.00e+0. */
export function formatLoss(loss) {
  if (!Number.isFinite(loss)) return '–';
  if (loss >= 0.001) return loss.toFixed(4);
  return loss >= LOSS_FLOOR ? loss.toExponential(2) : `< ${LOSS_FLOOR.toExponential(0)}`;
}

/** Train (grey) and test (blue) loss per epoch on a log scale, at most one point per pixel column. */
export function drawLossChart(canvas, train, test) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#f6f7f9';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#52606d';
  ctx.font = '12px system-ui, sans-serif';
  if (train.length < 2) {
    ctx.fillText('Press Play or Step to train.', 12, height / 2);
    return;
  }
  const log = (l) => Math.log10(Math.max(l, LOSS_FLOOR));
  let max = -Infinity;
  let min = Infinity;
  for (const series of [train, test]) for (const l of series) if (Number.isFinite(l)) { max = Math.max(max, log(l)); min = Math.min(min, log(l)); }
  const span = Math.max(max - min, 1e-3);
  const pad = 16;
  const stride = Math.max(1, Math.ceil(train.length / (width - 2 * pad)));
  const line = (series, colour) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i < series.length; i += stride) {
      const x = pad + ((width - 2 * pad) * i) / (series.length - 1);
      const y = pad + ((height - 2 * pad) * (max - log(series[i]))) / span;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
  };
  line(train, '#52606d');
  if (test.some(Number.isFinite)) line(test, '#0877bd');
  ctx.fillStyle = '#1f2933';
  ctx.fillText(`${formatLoss(10 ** max)}`, 4, 12);
  ctx.fillText(`${formatLoss(10 ** min)}`, 4, height - 4);
  ctx.textAlign = 'right';
  ctx.fillText(`epoch ${train.length - 1}`, width - 4, height - 4);
  ctx.textAlign = 'left';
}
