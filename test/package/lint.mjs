// Packaging checks on what users install: publint on the unpacked tarball (every rule, strict,
// suggestions included), its source maps, and Are the Types Wrong on the tarball itself, for the resolutions an
// ES-module package promises: node10 (`types`/`main`), node16/nodenext importing it as ESM, and
// bundlers.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

/** Every publint message about the installed package directory, as text lines. */
export async function publintProblems(packageDir) {
  const { messages } = await publint({ pkgDir: packageDir, pack: false, level: 'suggestion', strict: true });
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return messages.map((m) => `publint ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
}

/**
 * Are the Types Wrong's problems with the tarball, as text lines: every resolution of its strict
 * profile except node16 `require`, where an ES-module-only package is expected to fail.
 */
export function attwProblems(tarball, attwBin) {
  let output;
  try {
    output = execFileSync(attwBin, [tarball, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (error) {
    output = error.stdout; // attw exits 1 when it finds problems; the JSON says which
    if (!output) throw error;
  }
  const grouped = JSON.parse(output).problems ?? {};
  return Object.values(grouped).flat()
    .filter((p) => p.resolutionKind !== 'node16-cjs')
    .map((p) => `attw ${p.kind}: "${p.entrypoint ?? ''}" under ${p.resolutionKind ?? 'every resolution'}${p.fileName ? ` (${p.fileName})` : ''}`);
}

/**
 * Source maps whose sources a debugger cannot show: a source neither shipped in the package nor
 * embedded in the map's `sourcesContent`.
 */
export function sourceMapProblems(packageDir) {
  const problems = [];
  const maps = readdirSync(packageDir, { recursive: true }).filter((f) => f.endsWith('.map') && !f.startsWith('node_modules'));
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(packageDir, file), 'utf8'));
    const base = resolve(packageDir, dirname(file), map.sourceRoot ?? '');
    const missing = map.sources.filter((source, i) => typeof map.sourcesContent?.[i] !== 'string' && !existsSync(resolve(base, source)));
    if (missing.length) problems.push(`${file}: ${missing.join(', ')} neither shipped nor in sourcesContent`);
  }
  return problems.length > 3 ? [...problems.slice(0, 3), `… and ${problems.length - 3} more source maps like them`] : problems;
}
