// `npm run test:package`: tests what `npm publish` would ship, as a user gets it. Packs the
// tarball, checks it holds the library and the CLI only (test/package/contents.mjs), lints it (publint, Are the Types Wrong), installs it into a fresh project, runs
// test/package/smoke on every runtime of test/package/runtimes.mjs and a Vite-built page in
// Chromium, and prints one line per runtime with its pass count. Exits non-zero naming every
// runtime that is missing or fails.
//
// Then the README walk-through (test/package/readme-app.mjs): a fresh `npm init -y` app, the
// first examples, the CLI, and the browser example under Vite dev/build, webpack, plain ESM and esbuild.
//
//   node scripts/test-package.mjs [--skip-build] [--only node,node22,node24,bun,deno,chromium,readme] [--json file]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNTIMES, installRuntimes } from '../test/package/runtimes.mjs';
import { attwProblems, publintProblems, sourceMapProblems } from '../test/package/lint.mjs';
import { packageContentProblems } from '../test/package/contents.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only')?.split(',');
const wanted = (id) => !only || only.includes(id);
const npm = (argv, cwd) => execFileSync('npm', argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

if (args.includes('--help')) {
  console.log('node scripts/test-package.mjs [--skip-build] [--only node,node22,node24,bun,deno,chromium,readme] [--json file]\n  --only readme: the README walk-through app alone (the tarball lint always runs)');
  process.exit(0);
}
if (!args.includes('--skip-build')) npm(['run', 'build'], repo);
// The pinned runtimes are installed only when one of them is wanted (`--only readme` needs none).
if (RUNTIMES.some((r) => r.package && wanted(r.id))) installRuntimes();

const work = mkdtempSync(join(tmpdir(), 'wasm-mlp-package-'));
const results = [];
try {
  // The tarball, exactly as `npm publish` would upload it.
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], repo));
  const tarball = join(work, packed.filename);
  console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} kB`);

  // A user's empty project, with the tarball installed (any dependencies from the npm cache, else the registry).
  const consumer = join(work, 'consumer');
  cpSync(join(repo, 'test/package/smoke'), consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer);
  const installedDir = join(consumer, 'node_modules/wasm-mlp');

  const lint = [...packageContentProblems(packed.files, repo), ...(await publintProblems(installedDir)), ...sourceMapProblems(installedDir), ...attwProblems(tarball, join(repo, 'node_modules/.bin/attw'))];
  if (!existsSync(join(installedDir, 'LICENSE'))) lint.push('the tarball has no LICENSE file');
  console.log(`\nthe tarball's files (library and CLI only), publint, source maps, Are the Types Wrong (node10, node16 ESM, bundler): ${lint.length ? lint.length + ' problems' : 'no problems'}`);
  for (const line of lint) console.log('  ' + line);
  results.push({ name: 'package lint', passed: lint.length ? 0 : 1, failed: lint.length ? 1 : 0, skipped: 0, failures: lint });

  for (const runtime of RUNTIMES.filter((r) => wanted(r.id))) {
    console.log(`\n${runtime.name}`);
    if (!existsSync(runtime.bin)) {
      results.push({ name: runtime.name, missing: true, passed: 0, failed: 0, skipped: 0, failures: [`${runtime.bin} is missing`] });
      console.log(`  MISSING ${runtime.bin}`);
      continue;
    }
    results.push(runSmoke(runtime, consumer));
  }

  if (wanted('chromium')) {
    console.log('\nVite app in Chromium (two threads, COOP/COEP)');
    const { testViteConsumer } = await import('../test/package/vite-consumer.mjs');
    results.push(await testViteConsumer(consumer).catch((error) => ({ name: 'Chromium', passed: 0, failed: 1, skipped: 0, failures: [error.stack] })));
  }

  if (wanted('readme')) {
    console.log('\nREADME walk-through in a fresh `npm init -y` app');
    const { makeReadmeApp, testReadmeApp } = await import('../test/package/readme-app.mjs');
    const app = makeReadmeApp(join(work, 'readme-app'), tarball);
    results.push(await testReadmeApp(app, { screenshots: join(repo, 'test-artifacts/readme-app') }).catch((error) => ({ name: 'README walk-through', passed: 0, failed: 1, skipped: 0, failures: [error.stack] })));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Runs the smoke suite on one runtime and reads its summary line. */
function runSmoke(runtime, consumer) {
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1', NO_COLOR: '1', npm_config_update_notifier: 'false' };
  const child = spawnSync(runtime.bin, runtime.run('smoke.mjs'), { cwd: consumer, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  const lines = `${child.stdout}${child.stderr}`.split('\n');
  const summaryLine = lines.find((l) => l.startsWith('SMOKE '));
  for (const line of lines) if (line && !line.startsWith('SMOKE ')) console.log(line.startsWith('  ') ? line : '  | ' + line);
  if (!summaryLine) {
    const why = child.error ? child.error.message : `exit code ${child.status}, signal ${child.signal}`;
    return { name: runtime.name, passed: 0, failed: 1, skipped: 0, failures: [`no summary line (${why})`] };
  }
  const summary = JSON.parse(summaryLine.slice('SMOKE '.length));
  const name = `${summary.runtime} (${summary.kernels} kernels)`;
  if (child.status !== 0 && summary.failed === 0) return { ...summary, name, failed: 1, failures: [`exit code ${child.status}`] };
  return { ...summary, name };
}

const failed = results.filter((r) => r.missing || r.failed > 0);
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
console.log('\nPackage test, per runtime:');
for (const r of results) {
  const state = r.missing ? 'MISSING' : r.failed > 0 ? 'FAILED' : 'ok';
  console.log(`  ${r.name.padEnd(42)} ${String(r.passed).padStart(3)} passed  ${r.failed} failed  ${r.skipped} skipped  ${state}`);
}
for (const skip of new Set(results.flatMap((r) => r.skips ?? []))) console.log(`  skipped: ${skip}`);
if (option('--json')) writeFileSync(option('--json'), JSON.stringify({ results, passed: total('passed'), failed: total('failed'), skipped: total('skipped') }, null, 2));
if (failed.length) {
  console.log(`\ntest:package FAILED on: ${failed.map((r) => (r.missing ? `${r.name} (missing)` : `${r.name} (${r.failures.map((f) => f.split('\n')[0]).join('; ')})`)).join(', ')}`);
  process.exit(1);
}
