// The playground's Vite config: no plugins. 'wasm-mlp' resolves to the built package (dist/),
// which is what `npm install wasm-mlp` gives a user's app.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/** Cross-origin isolation: without it browsers withhold SharedArrayBuffer, and `threads` falls back to one. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'wasm-mlp': fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // The playground's own training worker imports the package, which starts workers itself: ES workers allow that.
  worker: { format: 'es' },
  // The page uses top-level await.
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, target: 'es2022',
    // The bundler's note on plugin timings is about Vite's own plugins; the tests' output stays clean without it.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
