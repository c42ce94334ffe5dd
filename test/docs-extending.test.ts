// docs/internals/extending.md's code blocks run as written (against dist/, as the README's do)
// and print what their comments say.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { expectedPrints, matchesComment, runBlock } from './readme-blocks.js';

const page = readFileSync(new URL('../docs/internals/extending.md', import.meta.url), 'utf8');
const blocks = [...page.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

it('has runnable blocks, and each prints what its comments say', async () => {
  expect(blocks.length).toBeGreaterThan(0);
  for (const code of blocks) {
    const printed = await runBlock(code);
    const expected = expectedPrints(code);
    expect(printed).toHaveLength(expected.length);
    printed.forEach((line, i) => expect(matchesComment(line, expected[i]), `${line} vs ${expected[i]}`).toBe(true));
  }
});
