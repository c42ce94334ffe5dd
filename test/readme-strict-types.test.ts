// A strict TypeScript user (strict, noUncheckedIndexedAccess; module node16, and bundler
// resolution) pastes the examples of the README and of every guide page into .ts files,
// unchanged: each compiles against the built declarations (the package's own exports), and so
// does this round's typed API (test/consumer/types-strict.ts). A block's file is named after its
// page and line (docs-guide-data.md-68.ts), so an error says where to look.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'test/consumer/strict');

/** Blocks that are fragments of a section (they use its X, Y or net) or need an app's own file or package. */
const FRAGMENT = /\b(xor-model\.mjs|onnxruntime-web)\b/;

/** The README and every guide page. */
const PAGES = ['README.md', ...readdirSync(join(root, 'docs/guide')).filter((page) => page.endsWith('.md')).sort().map((page) => `docs/guide/${page}`)];

/** Every js or ts block that imports the package, named after its page and line. */
function blocks(): { name: string; code: string }[] {
  return PAGES.flatMap((page) => {
    const text = readFileSync(join(root, page), 'utf8');
    return [...text.matchAll(/^```(js|ts)\n([\s\S]*?)^```$/gm)].map((m) => ({ name: `${page.replaceAll('/', '-')}-${text.slice(0, m.index).split('\n').length}`, code: m[2]! }));
  }).filter(({ code }) => /^import .* from 'wasm-mlp(\/inference)?';$/m.test(code) && !FRAGMENT.test(code));
}

for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
  it(`README examples and the typed API compile under strict + noUncheckedIndexedAccess (${config})`, async () => {
    rmSync(join(dir, 'blocks'), { recursive: true, force: true });
    mkdirSync(join(dir, 'blocks'), { recursive: true });
    const found = blocks();
    expect(found.length).toBeGreaterThan(8);
    for (const { name, code } of found) writeFileSync(join(dir, 'blocks', `${name}.ts`), code);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(dir, config)], { cwd: root }).catch((e) => e);
    expect(result.stdout ?? '').toBe('');
  }, 120_000);
}
