// Paints the playground's canvases from the training worker: the page hands them over with
// transferControlToOffscreen, so drawing costs its thread nothing and timers there stay on time.
// The worker calls paint() after each batch of epochs and whenever the view changes.
import { drawAxes, drawLossChart, drawMap, drawPoints } from './plots.js';

/** Maps a unit's value to [−1, 1]: bounded activations as they are, the others by their largest value. */
function unitScale(values, units, unit, activation) {
  if (activation === 'tanh') return (v) => v;
  if (activation === 'sigmoid') return (v) => 2 * v - 1;
  let max = 1e-6;
  for (let k = unit; k < values.length; k += units) max = Math.max(max, Math.abs(values[k]));
  return (v) => v / max;
}

/** One unit's values out of rows of all units. */
function column(values, units, unit) {
  const out = new Float32Array(values.length / units);
  for (let k = 0; k < out.length; k++) out[k] = values[k * units + unit];
  return out;
}

export class Painter {
  /**
   * `canvases`: { plane, chart, links, features: [one per feature] } as OffscreenCanvas;
   * `grids`: { plane, units } sizes; `featureMaps`: each feature's values over the unit and plane grids.
   */
  constructor({ canvases, grids, featureMaps }) {
    this.canvases = canvases;
    this.grids = grids;
    this.featureMaps = featureMaps;
    this.units = [];
    this.view = {};
    featureMaps.units.forEach((values, k) => drawMap(canvases.features[k], values, grids.units, (v) => v));
  }

  /** The new network's unit canvases (one array per hidden layer) and view settings. */
  setNetwork(unitCanvases) {
    this.units = unitCanvases;
  }

  /**
   * view: { kind, activation, layers, features (indices of the chosen ones), discretize,
   * showTest, hovered, train, test (points), anchors }.
   */
  setView(view) {
    Object.assign(this.view, view);
  }

  /** Everything, from the worker's pictures, θ with its layout, and the loss histories. */
  paint({ pictures, theta, layout, trainLoss, testLoss }) {
    const { canvases, grids, view } = this;
    if (!pictures || !view.kind) return;
    const classification = view.kind === 'classification';
    const hovered = view.hovered;
    if (hovered?.feature !== undefined) {
      drawMap(canvases.plane, this.featureMaps.plane[hovered.feature], grids.plane, (v) => v);
    } else if (hovered && pictures.units[hovered.layer]) {
      const values = column(pictures.units[hovered.layer], view.layers[hovered.layer], hovered.unit);
      drawMap(canvases.plane, values, grids.units, unitScale(values, 1, 0, view.activation), { discretize: view.discretize });
    } else {
      const values = classification ? column(pictures.plane, 2, 1) : pictures.plane;
      const toUnit = classification ? (p) => 2 * p - 1 : (v) => Math.max(-1, Math.min(1, v));
      drawMap(canvases.plane, values, grids.plane, toUnit, { discretize: view.discretize });
    }
    drawPoints(canvases.plane, view.train, view.kind);
    if (view.showTest) drawPoints(canvases.plane, view.test, view.kind, { test: true });
    drawAxes(canvases.plane);
    pictures.units.forEach((values, l) => {
      (this.units[l] ?? []).forEach((canvas, u) => {
        drawMap(canvas, column(values, view.layers[l], u), grids.units, unitScale(values, view.layers[l], u, view.activation), { discretize: view.discretize });
      });
    });
    drawLossChart(canvases.chart, trainLoss, testLoss);
    this.paintLinks(theta, layout);
  }

  /** Links between shown units, coloured by weight; `view.anchors` come from the page's layout. */
  paintLinks(theta, layout) {
    const { links } = this.canvases;
    const anchors = this.view.anchors;
    if (!anchors) return;
    const ratio = anchors.ratio;
    const width = Math.round(anchors.width * ratio);
    const height = Math.round(anchors.height * ratio);
    if (links.width !== width || links.height !== height) {
      links.width = width;
      links.height = height;
    }
    const ctx = links.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, anchors.width, anchors.height);
    // Column 0 lists the chosen features; its unit j is input j of the first layer.
    const weightOf = (l, i, j) => theta[layout[l].weightOffset + i * layout[l].inputs + j];
    for (let l = 0; l + 1 < anchors.out.length && l < layout.length; l++) {
      const from = anchors.out[l];
      const to = anchors.in[l + 1];
      let scale = 1e-6;
      for (let i = 0; i < to.length; i++) for (let j = 0; j < from.length; j++) scale = Math.max(scale, Math.abs(weightOf(l, i, j)));
      for (let i = 0; i < to.length; i++) {
        for (let j = 0; j < from.length; j++) {
          const w = weightOf(l, i, j) / scale;
          const alpha = 0.15 + 0.75 * Math.abs(w);
          ctx.strokeStyle = w >= 0 ? `rgba(8, 119, 189, ${alpha})` : `rgba(245, 147, 34, ${alpha})`;
          ctx.lineWidth = 0.5 + 3 * Math.abs(w);
          ctx.beginPath();
          ctx.moveTo(from[j][0], from[j][1]);
          const mid = (from[j][0] + to[i][0]) / 2;
          ctx.bezierCurveTo(mid, from[j][1], mid, to[i][1], to[i][0], to[i][1]);
          ctx.stroke();
        }
      }
    }
  }
}
