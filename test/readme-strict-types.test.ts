// A strict TypeScript user (strict, noUncheckedIndexedAccess; module node16, and bundler
// resolution) pastes the README's examples (and those of the guide pages its sections moved to) into .ts files: each compiles against the built
// declarations (the package's own exports), with this round's typed API (test/consumer/types-strict.ts).
// The blocks listed in NEEDS_README_EDIT do not compile unchanged under noUncheckedIndexedAccess
// for a reason in the example's code, not in the package's types; each says what it needs.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'test/consumer/strict');

/** First lines of README blocks that need a README edit to compile under noUncheckedIndexedAccess, and why. */
const NEEDS_README_EDIT: Record<string, string> = {
  "const X = [[0, 0], [0, 1], [1, 0], [1, 1]], Y = [[0], [1], [1], [0]];": 'XOR: ([p]) => Math.round(p) destructures number | undefined',
  '// src/main.js': "document.querySelector('#app') may be null; ([p]) => p.toFixed destructures number | undefined",
  'const net = await MLP.create({\n  layers: [2, 1, 1],': 'net.layout.layers[0].weightOffset: an index into an array',
  '// Class 2 is rare': 'indexing predict(...)[0]',
  'const X = Array.from({ length: 2000 }': '([a, b]) destructures number | undefined',
  "import { createReadStream } from 'node:fs';": 'file: implicit any; rows indexed with [i]',
  '// Two rings of points': 'stats possibly undefined (an indexed history entry)',
  'const options = {': 'options in a variable without `satisfies FitOptions`: type: string',
  'const net = await MLP.create({ layers: [4, 3, 2]': "catch (error): error is unknown in strict TypeScript",
  'net.setParameters([1, 0]); // p = σ(x)': '([p]) => p.toFixed destructures number | undefined',
  '// Where the network is trained: save it.': 'indexing predict(x)[0]',
  "writeFileSync('model.onnx', net.toOnnx());": 'catch (error): error is unknown in strict TypeScript',
  'const spec = { layers: [2, 4, 1]': 'options in a variable without `satisfies CreateOptions`: activations: string[]',
};
/** Blocks that are fragments of a section (they use its X, Y or net) or need an app's own file or package. */
const FRAGMENT = /\b(xor-model\.mjs|onnxruntime-web)\b/;

/** The README and the guide pages its sections moved to. */
const PAGES = ['README.md', ...['getting-started', 'networks', 'training', 'optimizers', 'losses', 'data', 'threads', 'inference', 'saving', 'determinism'].map((page) => `docs/guide/${page}.md`)];

function blocks(): { name: string; code: string }[] {
  const text = PAGES.map((page) => readFileSync(join(root, page), 'utf8')).join('\n');
  return [...text.matchAll(/^```(js|ts)\n([\s\S]*?)^```$/gm)].map((m, i) => ({ name: `block${String(i).padStart(3, '0')}`, code: m[2]! }))
    .filter(({ code }) => /^import .* from 'wasm-mlp(\/inference)?';$/m.test(code) && !FRAGMENT.test(code))
    .filter(({ code }) => !Object.keys(NEEDS_README_EDIT).some((start) => code.includes(start)));
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
