// Shared helper of the module-graph and layers tests: the relative imports of every module in
// src/, read from the source text. Static imports and re-exports, type-only ones included,
// dynamic `import(…)` and `typeof import(…)`, and workers started from `new URL('./x.js', …)`:
// each is a dependency, whether or not it survives compilation.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/, as an absolute folder path ending in a separator. */
export const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** One import: the module it names, as written, the source file it resolves to, and how: a worker runs in a realm of its own. */
export interface Import {
  specifier: string;
  target: string;
  kind: 'module' | 'worker';
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*(?:\/\*[^]*?\*\/\s*)*['"](\.[^'"]+)['"]\s*\)|new URL\(\s*['"](\.[^'"]+\.js)['"],\s*import\.meta\.url/g;

/** Every .ts and .js source under `dir` (compiled kernels in build/ excluded). */
export function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'build' ? [] : sources(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative imports of one module's text, resolved against its file (`known`: the files that exist). */
export function importsOf(file: string, text: string, known: ReadonlySet<string>): Import[] {
  return [...text.matchAll(IMPORT)].flatMap((m) => {
    const specifier = (m[1] ?? m[2] ?? m[3])!;
    const path = resolve(dirname(file), specifier);
    const target = [path.replace(/\.js$/, '.ts'), path].find((p) => known.has(p));
    return target === undefined ? [] : [{ specifier, target, kind: m[3] === undefined ? ('module' as const) : ('worker' as const) }];
  });
}

/** Each module of src/ with its imports. */
export function importGraph(dir = SRC): Map<string, Import[]> {
  const files = sources(dir);
  const known = new Set(files);
  return new Map(files.map((file) => [file, importsOf(file, readFileSync(file, 'utf8'), known)]));
}
