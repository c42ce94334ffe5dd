// Backpropagation through the activations whose derivative needs z (assembly/activations.ts
// slopeFromZ): once the loss is taken, each such layer's z becomes act'(z) in place, and the
// δ that later overwrites it is multiplied by the slope it replaces.

import { Network, layerAt } from './blocks';
import { at } from './address';
import { slopeFromZ, storeSlopes } from './activations';

/** Rows r0…r1−1 of every such layer's z ← act'(z); a row's slopes depend on that row alone. */
export function storeSlopeRows(network: usize, r0: i32, r1: i32): void {
  if (r0 >= r1) return;
  const count = changetype<Network>(network).layerCount;
  for (let l = 0; l < count; l++) {
    const layer = layerAt(network, l);
    if (slopeFromZ(layer.activation)) storeSlopes(layer.activation, at(layer.z, r0 * layer.outputs), r1 - r0, layer.outputs);
  }
}
