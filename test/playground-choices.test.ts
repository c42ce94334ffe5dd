// The playground offers exactly what the library accepts: every hidden activation, by its
// library name (read from demo/index.html, no browser needed).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ACTIVATIONS } from '../src/options.js';

it("the playground's activation choices are every hidden activation", () => {
  const html = readFileSync(new URL('../demo/index.html', import.meta.url), 'utf8');
  const select = /<select id="activation">([\s\S]*?)<\/select>/.exec(html)![1];
  const values = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  expect([...values].sort()).toEqual(ACTIVATIONS.filter((a) => a !== 'softmax').sort());
});
