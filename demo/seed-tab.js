// The worked-example tab: one section at a time, every number computed by the package.
import { MLP, workedExample } from 'wasm-mlp';

const SEED_THETA = [1, 1, 0, 1, 0];
const SEED = { X: [[2, 1], [-3, 2]], Y: [[1.3], [1.9]] };

/** θ before and after the worked example's single step (η = 0.01), from the library. */
async function thetas() {
  const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], dtype: 'float64' });
  net.setParameters(SEED_THETA);
  net.step(SEED.X, SEED.Y, { learningRate: 0.01 });
  const after = Array.from(net.getParameters());
  net.dispose();
  return { before: SEED_THETA, after };
}

/** Splits the walkthrough's lines into its numbered sections (the header first). */
function sections(lines) {
  const out = [{ title: 'The network and the data', body: [] }];
  for (const line of lines) {
    const numbered = /^(\d)\. (.*)$/.exec(line);
    if (numbered) out.push({ title: `${numbered[1]}. ${numbered[2]}`, body: [] });
    else if (line.trim() !== '') out[out.length - 1].body.push(line.replace(/^ {3}/, ''));
  }
  return out;
}

const fmt = (v) => String(Number(v.toPrecision(6))).replace('-', '−');

function drawNetwork(svg, theta, caption) {
  const [w0, w1, w2, w3, w4] = theta;
  svg.innerHTML = `
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b1"/></marker></defs>
    <g stroke="#9aa5b1" stroke-width="1.5" marker-end="url(#arrow)">
      <line x1="64" y1="44" x2="262" y2="82"/><line x1="64" y1="136" x2="262" y2="98"/><line x1="320" y1="90" x2="462" y2="90"/>
    </g>
    <g fill="white" stroke="#0877bd" stroke-width="2">
      <circle cx="40" cy="40" r="24"/><circle cx="40" cy="140" r="24"/><circle cx="292" cy="90" r="28"/><circle cx="492" cy="90" r="28"/>
    </g>
    <text x="26" y="44">x[0]</text><text x="26" y="144">x[1]</text><text x="288" y="94">h</text><text x="488" y="94">ŷ</text>
    <text class="label" x="258" y="140">h = max(0, z)</text>
    <text x="120" y="50">w0 = ${fmt(w0)}</text><text x="120" y="136">w1 = ${fmt(w1)}</text>
    <text x="240" y="40">bias w2 = ${fmt(w2)}</text>
    <text x="352" y="80">w3 = ${fmt(w3)}</text><text x="440" y="140">bias w4 = ${fmt(w4)}</text>
    <text class="label" x="0" y="178">${caption}</text>`;
}

/** Fills the tab and wires its buttons. */
export async function setUpSeedTab() {
  const parts = sections(await workedExample('wasm', 'float64'));
  const { before, after } = await thetas();
  const list = document.getElementById('seed-steps');
  list.innerHTML = '';
  for (const part of parts) {
    const item = document.createElement('li');
    const title = document.createElement('h3');
    title.textContent = part.title;
    const body = document.createElement('pre');
    body.textContent = part.body.join('\n');
    item.append(title, body);
    list.append(item);
  }
  let current = 0;
  const show = () => {
    [...list.children].forEach((item, i) => {
      item.className = i === current ? 'current' : i < current ? 'done' : 'hidden';
    });
    const stepped = parts[current].title.startsWith('5') || parts[current].title.startsWith('6') || parts[current].title.startsWith('7');
    drawNetwork(document.getElementById('seed-net'), stepped ? after : before, stepped ? 'θ after the step' : 'θ before the step');
    document.getElementById('seed-position').textContent = `step ${current} of ${parts.length - 1}`;
    document.getElementById('seed-prev').disabled = current === 0;
    document.getElementById('seed-next').disabled = current === parts.length - 1;
    keepInView();
  };
  // The list scrolls within the screen: the step just shown stays in view, also when the screen's size changes.
  const keepInView = () => list.children[current].scrollIntoView({ block: 'nearest' });
  new ResizeObserver(keepInView).observe(list);
  document.getElementById('seed-prev').onclick = () => { current = Math.max(0, current - 1); show(); };
  document.getElementById('seed-next').onclick = () => { current = Math.min(parts.length - 1, current + 1); show(); };
  show();
}
