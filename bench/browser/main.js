// The page of `npm run bench:browser`: wasm-mlp, a plain JS loop, and tfjs-layers on
// tfjs-backend-wasm and tfjs-backend-cpu, in one page, wasm-mlp on `?threads=N` threads.
// tfjs-backend-wasm runs its single-threaded SIMD build: its threaded build's worker script
// fails inside a minified bundle ("e is not defined"), and its .wasm files are served from
// this page's own ./tfjs/ (nothing is fetched from elsewhere).
import { MLP, kernelVariant } from 'wasm-mlp';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { Bench } from 'tinybench';
import { measure, tfjsTasks, wasmMlpContenders } from './workloads.js';

const threads = Number(new URLSearchParams(location.search).get('threads') ?? 1);
setWasmPaths('./tfjs/');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

window.benchPage = {
  isolated: crossOriginIsolated,
  async run({ rounds, time }) {
    const mlp = await wasmMlpContenders(MLP, threads);
    const contenders = [...mlp.contenders];
    const tfjs = [];
    // tfjs once, on the one-thread page: its numbers do not depend on wasm-mlp's threads.
    for (const backend of threads === 1 ? ['wasm', 'cpu'] : []) {
      await tf.setBackend(backend);
      await tf.ready();
      const t = tfjsTasks(tf, tfl);
      tfjs.push(t);
      const simd = backend === 'wasm' ? (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') ? ', SIMD' : ', no SIMD') : '';
      contenders.push({ name: `tfjs-layers ${backend}${simd}, 1 thread`, tasks: t.tasks, before: async () => { await tf.setBackend(backend); await tf.ready(); } });
    }
    const rows = await measure(Bench, contenders, { rounds, time });
    mlp.dispose();
    tfjs.forEach((t) => t.dispose());
    return { rows, kernelVariant: kernelVariant(), userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, threads: mlp.threads };
  },
};
document.querySelector('#status').textContent = 'ready';
