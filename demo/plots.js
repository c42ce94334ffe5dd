// Canvas drawings: the decision boundary with the data, the loss curve, the weight matrices.

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const GRID = 96;

/** Paints p(blue) over [-1, 1]² and the points; returns the training accuracy. */
export function drawBoundary(canvas, net, points) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const grid = new Float32Array(GRID * GRID * 2);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      grid[(i * GRID + j) * 2] = -1 + (2 * (j + 0.5)) / GRID;
      grid[(i * GRID + j) * 2 + 1] = 1 - (2 * (i + 0.5)) / GRID;
    }
  }
  const p = net.predict(grid);
  const image = ctx.createImageData(GRID, GRID);
  for (let k = 0; k < GRID * GRID; k++) {
    const blue = p[k * 2 + 1];
    // Confident regions get the class colour, uncertain ones fade to white.
    const strength = Math.abs(blue - 0.5) * 2 * 0.55;
    const colour = blue > 0.5 ? BLUE : ORANGE;
    for (let c = 0; c < 3; c++) image.data[k * 4 + c] = 255 + (colour[c] - 255) * strength;
    image.data[k * 4 + 3] = 255;
  }
  const off = new OffscreenCanvas(GRID, GRID);
  off.getContext('2d').putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, width, height);

  const predicted = net.predict(Float32Array.from(points.flatMap(([x, y]) => [x, y])));
  let correct = 0;
  points.forEach(([x, y, label], i) => {
    if ((predicted[i * 2 + 1] > 0.5 ? 1 : 0) === label) correct++;
    ctx.beginPath();
    ctx.arc(((x + 1) / 2) * width, ((1 - y) / 2) * height, 4, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${(label ? BLUE : ORANGE).join(',')})`;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'white';
    ctx.stroke();
  });
  return correct / points.length;
}

/** Loss per epoch on a log scale. */
export function drawLossCurve(canvas, losses) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#f6f7f9';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#6b7785';
  ctx.font = '11px system-ui, sans-serif';
  if (losses.length < 2) {
    ctx.fillText('Press Start to train.', 12, height / 2);
    return;
  }
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-6)));
  const max = Math.max(...logs);
  const min = Math.min(...logs);
  const span = Math.max(max - min, 1e-3);
  const pad = 18;
  ctx.strokeStyle = '#0877bd';
  ctx.lineWidth = 2;
  ctx.beginPath();
  logs.forEach((v, i) => {
    const x = pad + ((width - 2 * pad) * i) / (logs.length - 1);
    const y = pad + ((height - 2 * pad) * (max - v)) / span;
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
  const last = losses[losses.length - 1];
  ctx.fillText(`${losses[0].toFixed(3)}`, 4, 12);
  ctx.textAlign = 'right';
  ctx.fillText(`${last >= 0.001 ? last.toFixed(4) : last.toExponential(2)} at epoch ${losses.length} (log scale)`, width - 4, height - 5);
  ctx.textAlign = 'left';
}

/** One heat map per layer: rows are output units, columns the inputs then the bias. */
export function drawWeights(container, net, readout) {
  const theta = net.getParameters();
  const layers = net.layout.layers;
  // Rebuilt for every new network: its sizes may differ with the same number of layers.
  if (container.network !== net) {
    container.network = net;
    container.innerHTML = '';
    layers.forEach((layer, l) => {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      // Square cells while they stay visible; below 3 px each side shrinks on its own, down to
      // one pixel, so that 256-unit layers still fit the panel.
      const across = Math.floor(290 / (layer.inputs + 1));
      const down = Math.floor(150 / layer.outputs);
      const square = Math.min(14, across, down);
      const cellWidth = square >= 3 ? square : Math.max(1, Math.min(14, across));
      const cellHeight = square >= 3 ? square : Math.max(1, Math.min(14, down));
      canvas.width = (layer.inputs + 1) * cellWidth;
      canvas.height = layer.outputs * cellHeight;
      canvas.dataset.cellWidth = String(cellWidth);
      canvas.dataset.cellHeight = String(cellHeight);
      canvas.onmousemove = (event) => {
        const j = Math.min(layer.inputs, Math.floor(event.offsetX / cellWidth));
        const i = Math.min(layer.outputs - 1, Math.floor(event.offsetY / cellHeight));
        const current = net.getParameters();
        const value = j < layer.inputs ? current[layer.weightOffset + i * layer.inputs + j] : current[layer.biasOffset + i];
        readout.textContent = j < layer.inputs
          ? `layer ${l + 1}: W[${i}][${j}] = ${value.toFixed(5)}`
          : `layer ${l + 1}: bias[${i}] = ${value.toFixed(5)}`;
      };
      const caption = document.createElement('figcaption');
      caption.textContent = `layer ${l + 1}: ${layer.outputs}×${layer.inputs} + bias, ${layer.activation}`;
      figure.append(canvas, caption);
      container.append(figure);
    });
  }
  layers.forEach((layer, l) => {
    const canvas = container.children[l].querySelector('canvas');
    const cellWidth = Number(canvas.dataset.cellWidth);
    const cellHeight = Number(canvas.dataset.cellHeight);
    const ctx = canvas.getContext('2d');
    let scale = 1e-6;
    for (let k = layer.weightOffset; k < layer.biasOffset + layer.outputs; k++) scale = Math.max(scale, Math.abs(theta[k]));
    for (let i = 0; i < layer.outputs; i++) {
      for (let j = 0; j <= layer.inputs; j++) {
        const v = j < layer.inputs ? theta[layer.weightOffset + i * layer.inputs + j] : theta[layer.biasOffset + i];
        const t = Math.min(1, Math.abs(v) / scale);
        const colour = v >= 0 ? BLUE : ORANGE;
        ctx.fillStyle = `rgb(${colour.map((c) => Math.round(255 + (c - 255) * t)).join(',')})`;
        ctx.fillRect(j * cellWidth, i * cellHeight, cellWidth, cellHeight);
      }
    }
  });
}
