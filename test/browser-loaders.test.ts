// The README's browser example loads, with no configuration, in the Vite dev server (the
// training worker served unbundled), a Vite build, webpack 5, a plain <script type="module">
// and an esbuild bundle (test/package/loaders.mjs). Against a copy of package.json and dist/ in
// node_modules, as an install leaves it. Needs Debian's chromium at /usr/bin/chromium.
// Screenshots go to test-artifacts/loaders/.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript helper shared with scripts/test-package.mjs
import { installCopy, runLoaders } from './package/loaders.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'wasm-mlp-loaders-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

it('the README browser example shows its promised text under vite dev, vite build, webpack 5, plain ESM, and bundles with esbuild', async () => {
  installCopy(app);
  const results = (await runLoaders(app, { screenshots: join(root, 'test-artifacts/loaders') })) as { name: string; problems: string[] }[];
  expect(results.map((r) => r.name)).toHaveLength(5);
  for (const r of results) expect(r.problems, r.name).toEqual([]);
}, 400_000);
