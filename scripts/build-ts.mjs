// `npm run build:ts`: tsc with its incremental record kept outside dist/ (which is published),
// so an unchanged tree compiles in a few seconds; then the .wasm files are copied into dist/.
// tsc re-emits a deleted output file, but not a deleted dist/: without dist/index.js the
// record is dropped first, so the compile is complete.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const BUILD_INFO = 'node_modules/.cache/wasm-mlp.tsbuildinfo';
if (!existsSync('dist/index.js')) rmSync(BUILD_INFO, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/copy-wasm.js'], { stdio: 'inherit' });
