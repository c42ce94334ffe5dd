// `npm run build` (and so `npm start`, `npm run demo`, `npm test`): builds the kernel modules with
// scripts/build-wasm.mjs only when an input changed since the last build, so a second
// `npm start` skips the ~18 modules' minute of compiling. The inputs are hashed by content
// (SHA-256): every file under assembly/, the build script, asconfig.json and the compiler's and
// Binaryen's versions. The hash and the files the build left are kept in OUT_DIR/STAMP; a build
// runs when the hash differs, the stamp is missing, or an output is missing or has another size.
//
//   node scripts/build-wasm-cached.mjs          build if needed
//   node scripts/build-wasm-cached.mjs --force  build anyway (any other arguments go to build-wasm.mjs, and force a build)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where build-wasm.mjs writes; every file there after a build is recorded as an output. */
export const OUT_DIR = 'src/wasm/build';
const STAMP = '.build-inputs.json';
/** Single files the build reads besides assembly/. */
const INPUT_FILES = ['scripts/build-wasm.mjs', 'scripts/generate-interface.mjs', 'asconfig.json'];
/** Packages whose version changes the compiled bytes. */
const COMPILER_PACKAGES = ['assemblyscript', 'binaryen'];

function filesUnder(root, dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(root, path) : [path];
  });
}

/** SHA-256 over each input's path and content, in sorted order, and the compiler's versions. */
export function inputsHash(root) {
  const hash = createHash('sha256');
  const files = [...filesUnder(root, 'assembly'), ...INPUT_FILES.filter((f) => existsSync(join(root, f)))].sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  for (const name of COMPILER_PACKAGES) {
    const manifest = join(root, 'node_modules', name, 'package.json');
    hash.update(`${name}@${existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : 'missing'}\0`);
  }
  return hash.digest('hex');
}

/** The build's outputs as they are now: path (relative to OUT_DIR) → size in bytes. */
function outputs(root) {
  const dir = join(root, OUT_DIR);
  return Object.fromEntries(filesUnder(root, OUT_DIR).map((f) => relative(dir, join(root, f))).filter((f) => f !== STAMP).sort().map((f) => [f, statSync(join(dir, f)).size]));
}

/** Why a build is needed, or null when the outputs are those of the current inputs. */
export function staleReason(root, hash = inputsHash(root)) {
  const stampPath = join(root, OUT_DIR, STAMP);
  if (!existsSync(stampPath)) return 'no record of a previous build';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return 'the record of the previous build is unreadable';
  }
  if (stamp.hash !== hash) return 'an input changed (assembly/, scripts/build-wasm.mjs, asconfig.json or the compiler)';
  const now = outputs(root);
  const missing = Object.keys(stamp.outputs ?? {}).find((f) => now[f] !== stamp.outputs[f]);
  if (missing !== undefined || Object.keys(stamp.outputs ?? {}).length === 0) return `${OUT_DIR}/${missing ?? '(outputs)'} is missing or changed`;
  return null;
}

/** Builds when needed; returns what it did. */
export function buildIfNeeded(root, argv = []) {
  const hash = inputsHash(root);
  const forced = argv.length > 0;
  const reason = forced ? `asked (${argv.join(' ')})` : staleReason(root, hash);
  if (reason === null) return { built: false, hash };
  console.log(`wasm: building the kernel modules: ${reason}`);
  const passed = argv.filter((a) => a !== '--force');
  const result = spawnSync(process.execPath, ['scripts/build-wasm.mjs', ...passed], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/build-wasm.mjs failed (exit code ${result.status ?? result.signal})`);
  // A partial build (only some modules named) is not recorded: the next plain run checks again.
  if (passed.some((a) => !a.startsWith('--'))) return { built: true, hash };
  writeFileSync(join(root, OUT_DIR, STAMP), JSON.stringify({ hash, outputs: outputs(root) }, null, 2) + '\n');
  return { built: true, hash };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const started = performance.now();
    const { built, hash } = buildIfNeeded(process.cwd(), process.argv.slice(2));
    if (!built) console.log(`wasm: the kernel modules are up to date (inputs ${hash.slice(0, 12)}, checked in ${Math.round(performance.now() - started)} ms; --force to rebuild)`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
