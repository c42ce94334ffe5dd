// The network as the TensorFlow Playground shows it: a column per layer, each unit a thumbnail
// of its output over the plane, and links coloured by weight (painted by painter.js). Each
// hidden column has − / + buttons for its unit count.

/** Thumbnails drawn per layer; wider layers list the rest as a count (the heat maps show all). */
export const SHOWN_UNITS = 10;

/**
 * Rebuilds the hidden columns for `hidden` (units per layer). `onUnits(layer, delta)` changes a
 * layer's size; `onHover(target | null)` reports the unit under the pointer or keyboard focus.
 */
export function buildColumns(container, hidden, { onUnits, onHover }) {
  container.innerHTML = '';
  hidden.forEach((units, l) => {
    const column = document.createElement('div');
    column.className = 'column';
    const head = document.createElement('div');
    head.className = 'layer-head';
    const less = button('−', `Remove a unit from hidden layer ${l + 1}`, () => onUnits(l, -1), units <= 1);
    const more = button('+', `Add a unit to hidden layer ${l + 1}`, () => onUnits(l, +1), units >= 256);
    const count = document.createElement('span');
    count.textContent = `${units} ${units === 1 ? 'unit' : 'units'}`;
    head.append(less, count, more);
    column.append(head);
    for (let u = 0; u < Math.min(units, SHOWN_UNITS); u++) {
      const canvas = document.createElement('canvas');
      canvas.className = 'neuron';
      canvas.width = 40;
      canvas.height = 40;
      canvas.tabIndex = 0;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Hidden layer ${l + 1}, unit ${u + 1}: focus to show its output on the plane`);
      canvas.dataset.layer = String(l);
      canvas.dataset.unit = String(u);
      const show = () => onHover({ layer: l, unit: u });
      canvas.addEventListener('pointerenter', show);
      canvas.addEventListener('focus', show);
      canvas.addEventListener('pointerleave', () => onHover(null));
      canvas.addEventListener('blur', () => onHover(null));
      column.append(canvas);
    }
    if (units > SHOWN_UNITS) {
      const rest = document.createElement('span');
      rest.className = 'more';
      rest.textContent = `+${units - SHOWN_UNITS} more`;
      column.append(rest);
    }
    container.append(column);
  });
}

function button(text, label, onClick, disabled) {
  const b = document.createElement('button');
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.title = label;
  b.disabled = disabled;
  b.onclick = onClick;
  return b;
}

/** The thumbnail canvases of hidden layer l, in unit order. */
export function thumbnailsOf(container, l) {
  return [...container.children[l].querySelectorAll('canvas.neuron')];
}

/**
 * Where each shown unit's links attach, relative to the view, for the painter: measured after a
 * rebuild or a resize only, since reading layout every frame would force the page's layout.
 * `columns` lists, per column, the elements of its shown units (the chosen features first).
 */
export function measureAnchors(view, columns) {
  const box = view.getBoundingClientRect();
  const at = (el, side) => {
    const r = el.getBoundingClientRect();
    // A hovered unit is scaled by CSS; its layout box is what the links attach to.
    const width = el.offsetWidth || r.width;
    const left = r.left + r.width / 2 - width / 2;
    return [(side === 'out' ? left + width : left) - box.left + view.scrollLeft, r.top + r.height / 2 - box.top + view.scrollTop];
  };
  return {
    width: view.scrollWidth, height: view.scrollHeight, ratio: window.devicePixelRatio || 1,
    out: columns.map((c) => c.map((el) => at(el, 'out'))), in: columns.map((c) => c.map((el) => at(el, 'in'))),
  };
}
