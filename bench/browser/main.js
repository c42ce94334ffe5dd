// The page of `npm run bench:browser`: wasm-mlp, tfjs-layers on tfjs-backend-wasm and on
// tfjs-backend-cpu, in one page, on `?threads=N` threads (tfjs-backend-wasm's thread count is
// fixed when it starts, so each thread count is its own page load).
import { MLP, kernelVariant } from 'wasm-mlp';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { Bench } from 'tinybench';
import { measure, tfjsTasks, wasmMlpTasks } from './workloads.js';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') ?? 1);
setWasmPaths('./tfjs/');
setThreadsCount(threads);
// ?tfjsThreads=0 makes tfjs-backend-wasm load its single-threaded SIMD build.
if (params.get('tfjsThreads') === '0') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

window.benchPage = {
  isolated: crossOriginIsolated,
  async run({ rounds, time }) {
    const mlp = await wasmMlpTasks(MLP, threads);
    const contenders = [{ name: `wasm-mlp f32, ${mlp.threads} thread(s)`, tasks: mlp.tasks }];
    const backends = threads === 1 ? ['wasm', 'cpu'] : ['wasm'];
    const tfjs = [];
    for (const backend of backends) {
      await tf.setBackend(backend);
      await tf.ready();
      const t = tfjsTasks(tf, tfl);
      tfjs.push(t);
      const name = backend === 'wasm' ? `tfjs-layers wasm, ${getThreadsCount()} thread(s)` : 'tfjs-layers cpu';
      contenders.push({ name, tasks: t.tasks, before: async () => { await tf.setBackend(backend); await tf.ready(); } });
    }
    const rows = await measure(Bench, contenders, { rounds, time });
    mlp.dispose();
    tfjs.forEach((t) => t.dispose());
    return { rows, kernelVariant: kernelVariant(), userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency };
  },
};
document.querySelector('#status').textContent = 'ready';
