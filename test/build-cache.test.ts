// scripts/build-wasm-cached.mjs (npm run build, npm start, npm run demo): the kernel modules are
// rebuilt only when an input changed. Run in a scratch tree whose scripts/build-wasm.mjs is a
// stand-in that writes two outputs and counts its runs, so no real compile is needed.
import { afterAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/build-wasm-cached.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wasm-mlp-build-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}
const runs = () => readFileSync(join(root, 'runs.log'), 'utf8').split('\n').filter(Boolean).length;
function build(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

it('builds on the first run, skips when nothing changed, rebuilds after any input changes or an output goes', () => {
  write('assembly/index.ts', 'export function add(a: i32, b: i32): i32 { return a + b; }\n');
  write('assembly/gemm/tile.ts', '// tile\n');
  write('asconfig.json', '{ "options": { "optimizeLevel": 3 } }\n');
  write('node_modules/assemblyscript/package.json', '{ "version": "0.28.20" }\n');
  write('scripts/build-wasm.mjs', [
    "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';",
    "appendFileSync('runs.log', process.argv.slice(2).join(' ') + 'run\\n');",
    "mkdirSync('src/wasm/build', { recursive: true });",
    "writeFileSync('src/wasm/build/mlp.f32.simd.wasm', 'wasm');",
    "writeFileSync('src/wasm/build/kernels.d.ts', 'declare');",
  ].join('\n'));
  writeFileSync(join(root, 'runs.log'), '');

  expect(build()).toMatch(/^wasm: building the kernel modules: no record of a previous build/);
  expect(runs()).toBe(1);
  expect(build()).toMatch(/^wasm: the kernel modules are up to date \(inputs [0-9a-f]{12}, checked in \d+ ms/);
  expect(runs()).toBe(1);

  const changes: [string, () => void, RegExp][] = [
    ['a kernel file', () => appendFileSync(join(root, 'assembly/gemm/tile.ts'), '// changed\n'), /an input changed/],
    ['a new kernel file', () => write('assembly/extra.ts', '// new\n'), /an input changed/],
    ['asconfig.json', () => write('asconfig.json', '{ "options": { "optimizeLevel": 2 } }\n'), /an input changed/],
    ['the build script', () => appendFileSync(join(root, 'scripts/build-wasm.mjs'), '\n// changed\n'), /an input changed/],
    ['the compiler version', () => write('node_modules/assemblyscript/package.json', '{ "version": "0.28.21" }\n'), /an input changed/],
    ['a deleted output', () => rmSync(join(root, 'src/wasm/build/kernels.d.ts')), /src\/wasm\/build\/kernels\.d\.ts is missing or changed/],
    ['a truncated output', () => writeFileSync(join(root, 'src/wasm/build/mlp.f32.simd.wasm'), ''), /mlp\.f32\.simd\.wasm is missing or changed/],
  ];
  let expected = 1;
  for (const [what, change, reason] of changes) {
    change();
    expect(build(), what).toMatch(reason);
    expect(runs(), what).toBe(++expected);
    expect(build(), `${what}, then nothing`).toMatch(/up to date/);
    expect(runs(), `${what}, then nothing`).toBe(expected);
  }
  // A touched file with the same content is no change: the hash is of contents, not times.
  write('assembly/index.ts', 'export function add(a: i32, b: i32): i32 { return a + b; }\n');
  expect(build()).toMatch(/up to date/);
  // --force, or arguments for the build script, build anyway.
  expect(build('--force')).toMatch(/building the kernel modules: asked \(--force\)/);
  expect(runs()).toBe(expected + 1);
});

it('in this repository, after npm run build, finds the real modules up to date within seconds', () => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  expect(result.stdout).toMatch(/up to date/);
  expect(performance.now() - started).toBeLessThan(10_000);
});
