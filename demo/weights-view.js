// The weight matrices as heat maps, one per layer, with the value under the pointer.
import { colourOf } from './plots.js';

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
        ctx.fillStyle = `rgb(${colourOf(v / scale).map(Math.round).join(',')})`;
        ctx.fillRect(j * cellWidth, i * cellHeight, cellWidth, cellHeight);
      }
    }
  });
}
