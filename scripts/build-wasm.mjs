// Builds every kernel module from one table — dtype × SIMD level × threads — through the
// compiler's API in this one process. Separate `asc` processes each reload and re-warm the
// compiler and Binaryen, which cost most of the build's time on a small machine.
//
//   node scripts/build-wasm.mjs            every build
//   node scripts/build-wasm.mjs --wat      also write the text format beside each .wasm
//   node scripts/build-wasm.mjs f32-simd   only the builds whose name contains a filter

import asc from 'assemblyscript/asc';
import { readFileSync, mkdirSync } from 'node:fs';

const OUT_DIR = 'src/wasm/build';

const DTYPES = [
  { name: 'f32', use: ['float=f32', 'fmath=NativeMathf'] },
  { name: 'f64', use: ['float=f64', 'fmath=NativeMath'] },
];
const LEVELS = [
  { name: 'scalar', enable: [] },
  { name: 'simd', enable: ['simd'] },
  { name: 'relaxed-simd', enable: ['simd', 'relaxed-simd'] },
];
const THREADING = [
  { suffix: '', entry: 'assembly/index.ts', enable: [], flags: [] },
  // Shared memory cannot move when grown, so its maximum (4 GiB) is declared up front.
  { suffix: '.threads', entry: 'assembly/threads.ts', enable: ['threads'], flags: ['--sharedMemory', '--maximumMemory', '65536'] },
];

/** Every build: its file name (the loader's naming) and the compiler's arguments. */
export function builds() {
  const list = [];
  for (const threading of THREADING) {
    for (const dtype of DTYPES) {
      for (const level of LEVELS) {
        const name = `mlp.${dtype.name}.${level.name}${threading.suffix}`;
        const enable = [...level.enable, ...threading.enable];
        list.push({
          name,
          args: [
            threading.entry,
            '--config', 'asconfig.json',
            '--use', dtype.use.join(','),
            ...(enable.length ? ['--enable', enable.join(',')] : []),
            ...threading.flags,
            '--outFile', `${OUT_DIR}/${name}.wasm`,
          ],
        });
      }
    }
  }
  return list;
}

async function main(argv) {
  const wat = argv.includes('--wat');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const selected = builds().filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
  if (selected.length === 0) throw new Error(`no build matches ${filters.join(', ')}`);
  // Fail early with the compiler's own words if the shared options are unreadable.
  JSON.parse(readFileSync('asconfig.json', 'utf8'));
  mkdirSync(OUT_DIR, { recursive: true });
  const started = performance.now();
  for (const build of selected) {
    const args = wat ? [...build.args, '--textFile', `${OUT_DIR}/${build.name}.wat`] : build.args;
    const stderr = [];
    const { error } = await asc.main(args, { stdout: process.stdout, stderr: { write: (s) => { stderr.push(String(s)); return true; } } });
    if (error) {
      process.stderr.write(stderr.join(''));
      throw new Error(`${build.name}: ${error.message}`);
    }
  }
  console.log(`built ${selected.length} kernel modules in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
