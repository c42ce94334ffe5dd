// The README's first examples, run as a user runs them, printing what the README says.
import { expect, it } from 'vitest';
import { docBlock, docSection, expectedPrints, matchesComment, runBlock } from './readme-blocks.js';

it('"Train and predict" prints the predictions its comment shows', async () => {
  const code = docBlock('README.md', 'Train and predict');
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(12);
  expect(code).toMatch(/^net\.fit\(X, Y\);$/m); // fit's defaults, no options
  const expected = expectedPrints(code);
  expect(expected.length).toBeGreaterThan(0);
  const printed = await runBlock(code);
  expect(printed.length).toBe(expected.length);
  printed.forEach((line, i) => expect(matchesComment(line, expected[i]), `printed ${line}, README says ${expected[i]}`).toBe(true));
});

it('"Train and predict"\'s XOR example learns with fit\'s defaults (no options) and prints what it says', async () => {
  const code = docBlock('README.md', 'Train and predict', 1);
  expect(code).toMatch(/^net\.fit\(X, Y\);$/m);
  const expected = expectedPrints(code);
  expect(expected).toEqual(['[ 0, 1, 1, 0 ]', '1']);
  expect(await runBlock(code)).toEqual(expected);
});

it('the browser example leaves the page showing what the README says', async () => {
  const section = docSection('README.md', 'In the browser (Vite)');
  const shown = /The page ends showing `([^`]+)`/.exec(section)?.[1];
  expect(shown).toMatch(/^XOR: /);
  // A stand-in for the page's #app element; Node runs the block's worker with worker_threads.
  const prelude = `const appStandIn = { textContent: '' }; globalThis.document = { querySelector: (s) => { if (s !== '#app') throw new Error(s); return appStandIn; } };
process.on('beforeExit', () => { if (!globalThis.done) { globalThis.done = true; console.log(appStandIn.textContent); } });`;
  expect(await runBlock(docBlock('README.md', 'In the browser (Vite)'), prelude)).toEqual([shown]);
});

it('the summary() example of "Creating a network" prints the text block after it', async () => {
  const printed = await runBlock(docBlock('docs/guide/networks.md', 'Summary'));
  expect(printed.join('\n')).toBe(docBlock('docs/guide/networks.md', 'Summary', 0, ['text']).trimEnd());
});
