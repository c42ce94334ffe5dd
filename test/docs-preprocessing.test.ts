// docs/guide/preprocessing.md's examples, run as written against the built package: each block
// must print what its comments say.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expectedPrints, matchesComment, runBlock } from './readme-blocks.js';

const page = readFileSync(new URL('../docs/guide/preprocessing.md', import.meta.url), 'utf8');
const blocks = [...page.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const inference = pathToFileURL(new URL('../dist/inference/index.js', import.meta.url).pathname).href;

describe('docs/guide/preprocessing.md', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5));
  it.each(blocks.map((code, i) => [i, code]))('example %i prints what its comments say', async (_, code) => {
    const printed = await runBlock((code as string).replaceAll("from 'wasm-mlp/inference'", `from '${inference}'`));
    const expected = expectedPrints(code as string);
    expect(printed.length).toBe(expected.length);
    printed.forEach((line, i) => expect(matchesComment(line, expected[i]), `printed ${JSON.stringify(line)}, the page says ${JSON.stringify(expected[i])}`).toBe(true));
  });
});
