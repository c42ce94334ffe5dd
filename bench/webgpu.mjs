// `npm run bench:webgpu [-- --quick] [-- --all]`: training samples/s of backend 'webgpu' against wasm on one
// thread and on every thread, in the same process and interleaved rounds (the ratio of medians is
// what counts on a shared machine), for 784-128-10 b64, 784-512-512-10 b128 and 784-2048-2048-10
// b512. Before timing, one epoch from the same seed on both backends must agree (θ within 1e-3
// relative): a GPU that computes nothing cannot post a figure. It prints the adapter; on a
// software adapter (SwiftShader, llvmpipe, a fallback adapter) the run checks correctness and
// its samples/s say nothing about a GPU, and the output says so.
//
// In Node the GPU comes from the `webgpu` package (Dawn). With no adapter and Debian chromium's
// SwiftShader Vulkan driver present, the script reruns itself on it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { create } from 'webgpu';
import { MLP } from '../dist/index.js';
import { classification } from './data.mjs';

const quick = process.argv.includes('--quick');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) {
    console.log('No GPU adapter; rerunning on the SwiftShader Vulkan driver (a software adapter).');
    const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
    process.exit(spawnSync(process.execPath, process.argv.slice(1), { env, stdio: 'inherit' }).status ?? 1);
  }
  console.log('No WebGPU adapter: nothing to measure.');
  process.exit(1);
}
const info = adapter.info;
const software = info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${info.architecture} ${info.description} ${info.device}`);
console.log(`Adapter: ${info.vendor} ${info.architecture} — ${info.description || info.device}${software ? ' (a SOFTWARE adapter)' : ''}`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} threads, Node ${process.versions.node}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (software) console.log('This is a CORRECTNESS run: a software adapter runs WebGPU on the CPU, so its samples/s say nothing about a GPU.\n');

// A software adapter runs each network on a few batches only: enough to check and to time once.
const scale = software || quick ? 1 : 8;
const WORKLOADS = [
  { title: '784-128-10 b64', layers: [784, 128, 10], batchSize: 64, batches: 4 * scale },
  { title: '784-512-512-10 b128', layers: [784, 512, 512, 10], batchSize: 128, batches: 2 * scale },
  { title: '784-2048-2048-10 b512', layers: [784, 2048, 2048, 10], batchSize: 512, batches: 2 * scale, heavy: true },
];
// A software adapter takes minutes per batch of the widest network (measured: over 9 minutes for
// two epochs of one batch on a loaded 2-core machine); `--all` runs it anyway.
const all = process.argv.includes('--all');
const ROUNDS = software || quick ? 1 : 5;

function maxRelative(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  return worst;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = [];
for (const w of WORKLOADS) {
  if (w.heavy && software && !all) {
    console.log(`${w.title}: skipped on a software adapter (minutes per batch; --all runs it)`);
    continue;
  }
  const count = w.batches * w.batchSize;
  const { x, oneHot } = classification(count, 784, 10, 1);
  const spec = { layers: w.layers, activations: [...w.layers.slice(2).map(() => 'relu'), 'softmax'], loss: 'cross-entropy', seed: 7 };
  const fit = { epochs: 1, batchSize: w.batchSize, optimizer: { type: 'sgd', learningRate: 0.01 } };
  const nets = {
    'wasm ×1': await MLP.create({ ...spec, backend: 'wasm', threads: 1 }),
    'wasm ×all': await MLP.create({ ...spec, backend: 'wasm', threads: 'auto' }),
    webgpu: await MLP.create({ ...spec, backend: 'webgpu', gpu }),
  };
  // Check before timing: one epoch on each backend from the same θ.
  const start = nets['wasm ×1'].getParameters();
  for (const net of Object.values(nets)) await net.fitAsync(x, oneHot, fit);
  const agreement = maxRelative(nets.webgpu.getParameters(), nets['wasm ×1'].getParameters());
  const moved = maxRelative(nets['wasm ×1'].getParameters(), start);
  if (!(agreement < 1e-3) || !(moved > 1e-4)) throw new Error(`${w.title}: webgpu disagrees with wasm after one epoch (max relative ${agreement}, training moved θ by ${moved})`);
  const seconds = Object.fromEntries(Object.keys(nets).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, net] of Object.entries(nets)) {
      const t = performance.now();
      await net.fitAsync(x, oneHot, fit);
      seconds[name].push((performance.now() - t) / 1000);
    }
  }
  const rate = Object.fromEntries(Object.entries(seconds).map(([k, s]) => [k, count / median(s)]));
  rows.push({ title: w.title, ...rate, threads: nets['wasm ×all'].threads, agreement });
  console.log(`${w.title}: wasm ×1 ${rate['wasm ×1'].toFixed(0)}, wasm ×${nets['wasm ×all'].threads} ${rate['wasm ×all'].toFixed(0)}, webgpu ${rate.webgpu.toFixed(0)} samples/s; webgpu ÷ wasm ×${nets['wasm ×all'].threads} = ${(rate.webgpu / rate['wasm ×all']).toFixed(2)}; θ agrees within ${agreement.toExponential(1)}`);
  for (const net of Object.values(nets)) net.dispose();
}
if (software) console.log('\n(correctness run on a software adapter: the figures above are not GPU speeds)');
