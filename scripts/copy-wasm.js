// Copies the compiled kernels beside the compiled loader (dist/wasm/build), where it looks for
// them, and the plain-JavaScript worker script beside the pool that starts it.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/wasm/build', { recursive: true });
cpSync('src/wasm/build', 'dist/wasm/build', { recursive: true, filter: (path) => !path.endsWith('.wat') });
mkdirSync('dist/threads', { recursive: true });
cpSync('src/threads/worker.js', 'dist/threads/worker.js');
