// Copies the compiled kernels beside the compiled loader (dist/wasm/build), where it looks for them.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/wasm/build', { recursive: true });
cpSync('src/wasm/build', 'dist/wasm/build', { recursive: true, filter: (path) => !path.endsWith('.wat') });
