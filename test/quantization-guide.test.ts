// Every code block of docs/guide/quantization.md runs as written, against the built package, and
// prints what its comments say.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expectedPrints, matchesComment, runBlock } from './readme-blocks.js';

const page = readFileSync(new URL('../docs/guide/quantization.md', import.meta.url), 'utf8');
const inference = pathToFileURL(fileURLToPath(new URL('../dist/inference/index.js', import.meta.url))).href;
const blocks = [...page.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

describe('docs/guide/quantization.md', () => {
  it('has its examples', () => expect(blocks.length).toBe(4));
  it.each(blocks.map((code, i) => ({ i, code })))('block $i prints what its comments say', async ({ code }) => {
    const printed = await runBlock(code.replaceAll("from 'wasm-mlp/inference'", `from '${inference}'`));
    const expected = expectedPrints(code);
    expect(printed.length).toBe(expected.length);
    expected.forEach((comment, k) => expect(matchesComment(printed[k], comment), `printed "${printed[k]}", the page says "${comment}"`).toBe(true));
  }, 60_000);
});
