// The playground (demo/) end to end in headless Chromium: built with Vite exactly as a user's
// app would be (no plugins), served statically, driven with playwright-core. Needs Debian's
// chromium at /usr/bin/chromium (.ci/run installs it). Screenshots go to test-artifacts/ (a
// phone, tablets portrait and landscape, laptops); with SCREENSHOTS=1 the phone's, the laptop's
// and the desktop's also replace demo/screenshots/ (the README shows those).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'demo/vite.config.js');
const artifacts = join(root, 'test-artifacts');
const screenshots = join(root, 'demo/screenshots');

let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let userDataDir = '';
const problems: string[] = [];

// The page's live state, as the tests read it.
type Playground = {
  net: { layers: number[]; getParameters(): Float32Array } | null;
  epoch: number; trainLoss: number[]; testLoss: number[]; playing: boolean; busy: boolean; dirty: boolean;
  last: { train: { loss: number; accuracy: number }; test: { loss: number; accuracy: number } };
  settings: { kind: string };
};
declare global { interface Window { playground: Playground; digitPad: { epoch: number; testAccuracy: number; probabilities: number[] | null } } }

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  await build({ configFile, logLevel: 'warn' });
  server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  watch(page);
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

beforeEach(() => { problems.length = 0; });

function watch(p: Page) {
  p.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`); });
  p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

/** Opens the playground with a query string and waits for its network. */
async function open(query = '', p: Page = page) {
  await p.goto(`${server.resolvedUrls!.local[0]}${query}`);
  await p.waitForFunction(() => window.playground?.net, null, { timeout: 60_000 });
}

/** Plays until the epoch counter reaches `epochs`, then pauses and waits for the last reply. */
async function trainTo(epochs: number) {
  await page.click('#play-button');
  await page.waitForFunction((n) => window.playground.epoch >= n, epochs, { timeout: 90_000, polling: 100 });
  await page.click('#play-button');
  // The readouts follow on the next animation frame: wait for them too, or they may show the epoch before.
  await page.waitForFunction(() => !window.playground.playing && !window.playground.busy && !window.playground.dirty);
}

/**
 * Every control of the shown tab (and the tabs) that is not shown, reaches past the viewport's
 * width, or is covered by something else once scrolled to; and how many controls there are.
 */
function controlsOutside(p: Page) {
  return p.evaluate(() => {
    // Controls hidden on purpose (a regression loss beside a classification data set) are not counted.
    const controls = [...document.querySelectorAll<HTMLElement>('header button, main:not([hidden]) :is(input, select, button, canvas.neuron, summary)')].filter((el) => !el.closest('[hidden]'));
    const outside: string[] = [];
    for (const el of controls) {
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      const name = el.id || el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName;
      if (r.width < 1 || r.height < 1) { outside.push(`${name}: not shown`); continue; }
      if (r.left < 0 || r.right > document.documentElement.clientWidth + 0.5) { outside.push(`${name}: x ${r.left.toFixed(0)}…${r.right.toFixed(0)} outside the viewport`); continue; }
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!(top === el || el.contains(top) || (top instanceof HTMLLabelElement && top.control === el))) outside.push(`${name}: covered by ${top?.tagName}`);
    }
    window.scrollTo(0, 0);
    return { count: controls.length, outside };
  });
}

/** Resizes the page and waits two frames, for its media-query listeners (the phone's panes) to follow. */
async function resize(width: number, height: number) {
  await page.setViewportSize({ width, height });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The page fits the viewport: no horizontal overflow, and no vertical scrolling either. */
async function expectToFit(where: string) {
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth - window.innerWidth, height: document.documentElement.scrollHeight - window.innerHeight }));
  expect(size.width, `${where} overflows by ${size.width}px`).toBeLessThanOrEqual(0);
  expect(size.height, `${where} is ${size.height}px taller than the screen`).toBeLessThanOrEqual(0);
}

/** The README's screenshots: a phone, a laptop and a desktop. */
const SHOWN = new Set(['390x844', '1280x720', '1920x1080']);
/** Tablets, portrait and landscape (iPad, iPad Air), and the widths either side of the three-column layout. */
const TABLETS: [number, number][] = [[768, 1024], [820, 1180], [1024, 768], [1180, 820]];

describe('the playground in Chromium', () => {
  it.each([[390, 844], ...TABLETS, [1280, 720], [1920, 1080]])('at %i×%i: no horizontal overflow, no scrolling, every control visible', async (width, height) => {
    await resize(width, height);
    await open('?speed=100');
    await trainTo(100);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200); // the worker's last painting reaches the screen
    const file = `playground-${width}x${height}.png`;
    await page.screenshot({ path: join(artifacts, file) });
    if (process.env.SCREENSHOTS === '1' && SHOWN.has(`${width}x${height}`)) {
      mkdirSync(screenshots, { recursive: true });
      copyFileSync(join(artifacts, file), join(screenshots, file));
    }
    for (const tab of ['#tab-play', '#tab-digits', '#tab-example']) {
      await page.click(tab);
      // The digit pad is measured as a user meets it once its network has trained (its status and guess shown).
      if (tab === '#tab-digits') await page.waitForFunction(() => /Done/.test(document.getElementById('digit-status')!.textContent ?? ''), null, { timeout: 60_000 });
      // A phone shows the playground one pane at a time: every pane fits, and together they hold every control.
      const panes = await page.$$eval('main:not([hidden]) .panes:not([hidden]) button[data-show]', (buttons) => buttons.map((b) => b.dataset.show!));
      let count = 0;
      for (const pane of tab === '#tab-play' && panes.length ? panes : [null]) {
        if (pane) await page.click(`.panes button[data-show="${pane}"]`);
        const where = pane ? `${tab} ${pane}` : tab;
        await expectToFit(where);
        const shown = await controlsOutside(page);
        count += shown.count;
        expect(shown.outside, where).toEqual([]);
      }
      expect(count).toBeGreaterThan(tab === '#tab-play' ? 40 : 3);
      if (panes.length) await page.click('.panes button[data-show="output"]');
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps the controls steady and relevant: Play and Pause are one width, a loss only for regression, label smoothing only for classification', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await open();
    const width = () => page.evaluate(() => document.getElementById('play-button')!.getBoundingClientRect().width);
    const shown = (id: string) => page.evaluate((i) => document.getElementById(i)!.getBoundingClientRect().height > 0, id);
    const playing = await (async () => { const before = await width(); await page.click('#play-button'); const during = await width(); await page.click('#play-button'); return [before, during]; })();
    expect(playing[1]).toBe(playing[0]);
    await page.selectOption('#dataset', 'spiral');
    expect([await shown('regression-loss'), await shown('label-smoothing')]).toEqual([false, true]);
    await page.selectOption('#dataset', 'plane');
    await page.waitForFunction(() => window.playground.net?.layers.at(-1) === 1);
    expect([await shown('regression-loss'), await shown('label-smoothing')]).toEqual([true, false]);
    await page.selectOption('#dataset', 'spiral');
    await page.waitForFunction(() => window.playground.net?.layers.at(-1) === 2);
    // At 1280×720 and on a 390×844 phone the output plane and the loss chart are on the first screen.
    const bottom = () => page.evaluate(() => document.getElementById('loss-chart')!.getBoundingClientRect().bottom);
    expect(await bottom()).toBeLessThanOrEqual(720);
    await resize(390, 844);
    expect(await bottom()).toBeLessThanOrEqual(844);
    // The whole page fits every screen for either kind of data set, and a tablet shows the output plane and the loss chart whole.
    for (const dataset of ['plane', 'spiral']) {
      await resize(1280, 720);
      await page.selectOption('#dataset', dataset);
      await page.waitForFunction((n) => window.playground.net?.layers.at(-1) === n, dataset === 'plane' ? 1 : 2);
      await expectToFit(`${dataset} at 1280×720`);
      for (const [w, h] of [[390, 844], ...TABLETS]) {
        await resize(w, h);
        await expectToFit(`${dataset} at ${w}×${h}`);
        if (w > 390) expect(await bottom(), `the loss chart at ${w}×${h}`).toBeLessThanOrEqual(h);
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    // The readout says what the note says: a maximum, which small batches do not use.
    expect(await page.evaluate(() => document.getElementById('threads')!.previousElementSibling!.textContent)).toBe('Max threads');
    expect(problems).toEqual([]);
  }, 120_000);

  it('loads cross-origin isolated, with the threads the network got', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await open();
    const threading = await page.evaluate(() => ({ isolated: crossOriginIsolated, shown: document.getElementById('threads')!.textContent, note: document.getElementById('threads-note')!.textContent }));
    expect(threading.isolated).toBe(true);
    expect(Number(threading.shown)).toBeGreaterThanOrEqual(1);
    expect(threading.note).toContain(`Up to ${threading.shown} threads`);
    expect(problems).toEqual([]);
  });

  // Reached by the default setup (x, y, sin x, sin y; 8,8 tanh; Adam 0.003, batch 30, weight decay 0.001).
  it.each([
    ['circle', 100, 0.97], ['xor', 100, 0.97], ['gaussian', 100, 0.97], ['moons', 100, 0.97], ['spiral', 300, 0.95],
    ['plane', 100, 0.98], ['bumps', 200, 0.8],
  ])('%s reaches its expected test score in %i epochs', async (dataset, epochs, expected) => {
    await open(`?data=${dataset}&speed=100`);
    const before = await page.evaluate(() => window.playground.last.test.loss);
    await trainTo(epochs);
    const after = await page.evaluate(() => ({
      kind: window.playground.settings.kind, test: window.playground.last.test, losses: window.playground.trainLoss,
      shown: document.getElementById('test-accuracy')!.textContent!, lossShown: document.getElementById('test-loss')!.textContent!,
    }));
    expect(after.test.loss).toBeLessThan(before * 0.5);
    if (after.kind === 'classification') {
      expect(after.test.accuracy).toBeGreaterThanOrEqual(expected);
      expect(after.shown).toBe(`${(100 * after.test.accuracy).toFixed(1)}%`);
    } else {
      expect(Number(after.shown)).toBeGreaterThanOrEqual(expected); // R² on the test points
    }
    expect(after.lossShown).not.toMatch(/e\+0|^0\.0000$/);
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(['l1', 'huber'])('regression with the %s loss: R² on the test points, as before', async (loss) => {
    await open(`?data=plane&rloss=${loss}&speed=100`);
    await trainTo(100);
    const after = await page.evaluate(() => ({ test: window.playground.last.test, shown: document.getElementById('test-accuracy')!.textContent! }));
    expect(after.test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(after.shown).toBe(after.test.accuracy.toFixed(3));
    expect(problems).toEqual([]);
  }, 120_000);

  it('with label smoothing: the loss is nn.CrossEntropyLoss(label_smoothing=0.1)\'s, and it still learns', async () => {
    await open('?data=circle&smooth=0.1&speed=100');
    await trainTo(100);
    const after = await page.evaluate(() => window.playground.last.test);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    // Smoothed targets keep the loss above the entropy they add: 0.1 spread over 2 classes.
    const floor = -(0.95 * Math.log(0.95) + 0.05 * Math.log(0.05));
    expect(after.loss).toBeGreaterThan(floor);
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(['layer-norm', 'batch-norm'])('with %s: trains to the expected accuracy, its units pictured', async (norm) => {
    await open(`?data=circle&norm=${norm}&speed=100`);
    const units = () => page.locator('canvas.neuron[data-layer="1"][data-unit="0"]').screenshot();
    const before = await units();
    await trainTo(100);
    const after = await page.evaluate(() => ({ test: window.playground.last.test, parameters: window.playground.net!.getParameters().length, status: document.getElementById('status')!.textContent }));
    // 4 features, 8 and 8 hidden units with γ and β each, 2 outputs.
    expect(after.parameters).toBe(4 * 8 + 8 + 16 + 8 * 8 + 8 + 16 + 8 * 2 + 2);
    expect(after.test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(after.status).not.toMatch(/stopped/i);
    // The worker repainted the second layer's units from the trained network.
    await expect.poll(async () => (await units()).equals(before)).toBe(false);
    expect(problems).toEqual([]);
  }, 120_000);

  it('the default setup trains smoothly: no loss spikes over 600 epochs', async () => {
    await open('?speed=100');
    await trainTo(600);
    const losses = await page.evaluate(() => window.playground.trainLoss);
    // The largest rise of the training loss above its best so far, after the first 100 epochs.
    let best = Infinity;
    let rise = 0;
    losses.forEach((loss, epoch) => {
      if (epoch > 100) rise = Math.max(rise, loss - best);
      best = Math.min(best, loss);
    });
    expect(losses.length).toBeGreaterThan(600);
    expect(rise).toBeLessThan(0.03);
    expect(best).toBeLessThan(0.05);
    expect(problems).toEqual([]);
  }, 120_000);

  it('Step trains exactly one epoch, and only then', async () => {
    await open();
    const start = await page.evaluate(() => ({ epoch: window.playground.epoch, theta: Array.from(window.playground.net!.getParameters()) }));
    for (let i = 1; i <= 3; i++) {
      await page.click('#step');
      await page.waitForFunction((n) => window.playground.epoch >= n && !window.playground.busy, start.epoch + i);
    }
    await page.waitForTimeout(300); // a fourth epoch, were one wrongly asked for, would arrive in this time
    await page.waitForFunction(() => !window.playground.busy && !window.playground.dirty);
    const after = await page.evaluate(() => ({ epoch: window.playground.epoch, losses: window.playground.trainLoss.length, theta: Array.from(window.playground.net!.getParameters()), shown: document.getElementById('epoch')!.textContent }));
    expect(after.epoch).toBe(start.epoch + 3);
    expect(after.losses).toBe(4); // the initial loss and one per epoch
    expect(after.shown).toBe('3');
    expect(after.theta).not.toEqual(start.theta);
    expect(problems).toEqual([]);
  });

  it('the URL encodes the whole setup and a new page restores it', async () => {
    await open();
    const choices = { dataset: 'moons', activation: 'relu', normalization: 'layer-norm', 'label-smoothing': '0.1', optimizer: 'sgd-momentum', 'weight-decay': '0.0001', dropout: '0.1', 'batch-size': '10', speed: '5', points: '200' };
    for (const [id, value] of Object.entries(choices)) await page.selectOption(`#${id}`, value);
    for (const [id, value] of Object.entries({ layers: '6,3', 'learning-rate': '0.02' })) {
      await page.fill(`#${id}`, value);
      await page.press(`#${id}`, 'Enter');
    }
    await page.locator('#train-percent').fill('70');
    await page.locator('#noise').fill('0.3');
    await page.check('#feature-xSquared');
    await page.uncheck('#feature-sinY');
    await page.check('#show-test');
    await page.waitForFunction(() => window.playground.net!.layers.join() === '4,6,3,2');
    const read = (p: Page) => p.evaluate(() => {
      const values: Record<string, string | boolean> = {};
      for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#play input:not([type=file]), #play select')) values[el.id] = el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value;
      return { values, layers: window.playground.net!.layers.join(), summary: document.getElementById('data-summary')!.textContent };
    });
    const original = await read(page);
    const url = page.url();
    expect(url).toContain('layers=6%2C3');
    const other = await context.newPage();
    watch(other);
    await open(new URL(url).search, other);
    const restored = await read(other);
    await other.close();
    expect(restored).toEqual(original);
    expect(original.summary).toBe('140 training and 60 test points; classification.');
    expect(problems).toEqual([]);
  });

  it('marks an invalid hidden-layers value with a message and keeps the network', async () => {
    await open();
    const layers = await page.evaluate(() => window.playground.net!.layers.join());
    await page.fill('#layers', 'abc');
    await page.press('#layers', 'Enter');
    await expect.poll(() => page.getAttribute('#layers', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#layers-error')).toContain("got 'abc'");
    expect(await page.isVisible('#layers-error')).toBe(true);
    expect(await page.evaluate(() => window.playground.net!.layers.join())).toBe(layers);
    await page.fill('#learning-rate', '-1');
    await page.press('#learning-rate', 'Enter');
    await expect.poll(() => page.getAttribute('#learning-rate', 'aria-invalid')).toBe('true');
    await page.fill('#layers', '5');
    await page.press('#layers', 'Enter');
    // Still refused while the learning rate is wrong; both fixed, the network follows.
    await page.fill('#learning-rate', '0.01');
    await page.press('#learning-rate', 'Enter');
    await page.waitForFunction(() => window.playground.net!.layers.join() === '4,5,2');
    expect(await page.getAttribute('#layers', 'aria-invalid')).toBe('false');
    expect(problems).toEqual([]);
  });

  it('keeps the page responsive while training: a 10 ms timer is never more than 50 ms late', async () => {
    await open();
    /** The lateness of every tick of a 10 ms timer over `ms` milliseconds. */
    const lateness = (ms: number) => page.evaluate((ms) => new Promise<number[]>((resolve) => {
      const late: number[] = [];
      let expected = performance.now() + 10;
      const timer = setInterval(() => {
        const now = performance.now();
        late.push(now - expected);
        expected = now + 10;
      }, 10);
      setTimeout(() => { clearInterval(timer); resolve(late); }, ms);
    }), ms);
    // Up to eight attempts, each half a second paused and then a second training: on a machine
    // shared with other work any page stalls now and then (the paused window shows how much), but
    // a page that blocks its own thread while training (training or drawing there) fails them all.
    const attempts: { paused: number; training: number; epochs: number }[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const paused = Math.max(...await lateness(500));
      const before = await page.evaluate(() => window.playground.epoch);
      await page.click('#play-button');
      const training = Math.max(...await lateness(1000));
      await page.click('#play-button');
      await page.waitForFunction(() => !window.playground.busy);
      attempts.push({ paused, training, epochs: await page.evaluate(() => window.playground.epoch) - before });
      if (training <= 50) break;
    }
    const report = attempts.map((a) => `paused ${a.paused.toFixed(0)} ms, training ${a.training.toFixed(0)} ms over ${a.epochs} epochs`).join('; ');
    expect(Math.min(...attempts.map((a) => a.training)), `worst lateness per attempt: ${report}`).toBeLessThanOrEqual(50);
    expect(attempts.at(-1)!.epochs, report).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('shows a unit\'s output on the plane while it is hovered', async () => {
    await open();
    // The worker paints the plane (an OffscreenCanvas), so the test compares screenshots of it.
    const picture = () => page.locator('#plane').screenshot();
    const before = await picture();
    await page.hover('canvas.neuron[data-layer="1"][data-unit="2"]');
    await expect.poll(() => page.textContent('#plane-caption')).toContain('Hidden layer 2, unit 3');
    await expect.poll(async () => (await picture()).equals(before)).toBe(false);
    await page.mouse.move(0, 0);
    await expect.poll(() => page.textContent('#plane-caption')).toContain("p(blue)");
    // The keyboard reaches the same views: a unit's focus, a feature checkbox's focus.
    await page.focus('canvas.neuron[data-layer="0"][data-unit="0"]');
    await expect.poll(() => page.textContent('#plane-caption')).toContain('Hidden layer 1, unit 1');
    await page.focus('#feature-sinX');
    await expect.poll(() => page.textContent('#plane-caption')).toContain('Feature sin x over the plane');
    expect(problems).toEqual([]);
  });

  it('trains on an uploaded CSV, and names the row of a bad one', async () => {
    await open();
    const rows = ['x,y,label', ...Array.from({ length: 120 }, (_, i) => { const x = Math.cos(i * 2.1) * 3; const y = Math.sin(i * 1.3) * 3; return `${x.toFixed(3)},${y.toFixed(3)},${x * y > 0 ? 1 : 0}`; })];
    await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y,label\n1,2,0\n3,four,1\n') });
    await expect.poll(() => page.textContent('#csv-file-error')).toContain('at least 4 rows');
    await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('1,2,0\n3,four,1\n1,1,1\n2,2,0\n') });
    await expect.poll(() => page.textContent('#csv-file-error')).toContain("CSV row 2: expected three numbers x,y,label, got '3,four,1'");
    await page.setInputFiles('#csv-file', { name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await expect.poll(() => page.textContent('#data-summary')).toBe('60 training and 60 test points; classification.');
    expect(await page.inputValue('#dataset')).toBe('csv');
    expect(await page.getAttribute('#csv-file', 'aria-invalid')).toBe('false');
    await trainTo(5);
    expect(problems).toEqual([]);
  });

  it('the digit pad learns MNIST digits in the page and reads a drawn 1', async () => {
    await open('?tab=digits');
    await page.waitForFunction(() => window.digitPad?.epoch >= 40, null, { timeout: 90_000 });
    const accuracy = await page.evaluate(() => window.digitPad.testAccuracy);
    expect(accuracy).toBeCloseTo(0.865, 3); // as the same training gives in Node
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.5 - 0.01 * i), box.y + box.height * (0.15 + 0.07 * i));
    await page.mouse.up();
    await page.waitForFunction(() => window.digitPad.probabilities !== null);
    const p = await page.evaluate(() => window.digitPad.probabilities!);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.indexOf(Math.max(...p))).toBe(1);
    expect(await page.textContent('#digit-guess')).toContain('It looks like a 1');
    await page.click('#clear-pad');
    expect(await page.evaluate(() => window.digitPad.probabilities)).toBeNull();
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows the worked example step by step', async () => {
    await open('?tab=example');
    await expect.poll(() => page.textContent('#seed-position')).toMatch(/step 0 of 7/);
    for (let i = 0; i < 5; i++) await page.click('#seed-next');
    const text = await page.textContent('#seed-steps li.current');
    // With every step shown, the page still fits both screens: the steps scroll in their list, the current one in view.
    for (let i = 0; i < 2; i++) await page.click('#seed-next');
    for (const [w, h] of [[1280, 720], [390, 844]]) {
      await resize(w, h);
      await expectToFit(`the worked example at ${w}×${h}`);
      const [list, current] = await page.evaluate(() => [document.getElementById('seed-steps')!, document.querySelector('#seed-steps li.current')!].map((el) => el.getBoundingClientRect().toJSON()));
      expect(current.bottom, `the last step at ${w}×${h}`).toBeLessThanOrEqual(list.bottom + 1);
      expect(current.top).toBeGreaterThanOrEqual(list.top - 1);
    }
    await resize(1280, 720);
    for (let i = 0; i < 2; i++) await page.click('#seed-prev');
    expect(text).toContain('5. One gradient-descent step');
    expect(text).toContain('(0.966, 0.983, −0.017, 0.949, 0.002)');
    expect(await page.textContent('#seed-net')).toContain('w0 = 0.966');
    expect(await page.textContent('#seed-steps')).toContain('∇θ L(D) = (3.4, 1.7, 1.7, 5.1, −0.2)');
    expect(page.url()).toContain('tab=example');
    expect(problems).toEqual([]);
  });
});
