// Every JavaScript block of the documentation (README.md and the pages of docs/, less
// docs/_incoming and the generated API pages) runs as written against the built package.
// A page's blocks run in order: a block that imports starts a new program, and a block that
// does not continues the one before it (it uses the names that one defines). Within a program,
// a line `expression; // value` whose comment shows a value is checked (test/readme-blocks.ts
// says how values are written), and so is each `console.log(…); // printed` line: one argument
// whose comment shows a value is checked as that value; otherwise what it printed must appear,
// in order, in the program's output.
//
// A `<!-- docs-test: … -->` comment right above a block's fence says how its program runs:
//   commonjs   as a .cjs file (`require('wasm-mlp')`)
//   document   with a stand-in for a page's `#app` element, whose final text is printed
//   cwd=repo   from the repository's root (for files under node_modules)
//   data-csv   with data.csv (x₀,x₁,y rows) written in its directory first
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agrees, claimLines, docPages, fencedBlocks, matchesComment, mismatch, parseClaim, runClaims, where, type DocBlock } from './readme-blocks.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The preludes the directives name. */
const PRELUDES: Record<string, string> = {
  document: `const appStandIn = { textContent: '' }; globalThis.document = { querySelector: (s) => { if (s !== '#app') throw new Error(s); return appStandIn; } };
process.on('beforeExit', () => { if (!globalThis.done) { globalThis.done = true; console.log(appStandIn.textContent); } });`,
  'data-csv': `import { writeFileSync as writeDataCsv } from 'node:fs';
writeDataCsv('data.csv', Array.from({ length: 1000 }, (_, i) => { const a = (i % 40) / 20 - 1, b = Math.floor(i / 40) / 12.5 - 1; return [a, b, Math.sin(3 * a) + b].join(','); }).join('\\n') + '\\n');`,
};
const KNOWN = new Set(['commonjs', 'cwd=repo', ...Object.keys(PRELUDES)]);

/** A page's programs: runs of blocks, each starting at a block that imports. */
export function programs(page: string): { first: DocBlock; code: string; directives: string[] }[] {
  const blocks = fencedBlocks(readFileSync(`${root}/${page}`, 'utf8')).filter((b) => b.language === 'js' || b.language === 'ts');
  const out: { first: DocBlock; code: string; directives: string[] }[] = [];
  for (const block of blocks) {
    const imports = /^\s*(import\s|const .* = require\()/m.test(block.code);
    if (imports || out.length === 0) out.push({ first: block, code: block.code, directives: [...block.directives] });
    else out[out.length - 1].code += '\n' + block.code;
  }
  return out;
}

/** Whether a printed line shows what a console.log comment says: as written (… for digits), or the same numbers to the digits written. */
function shows(printed: string, comment: string): boolean {
  if (matchesComment(printed, comment)) return true;
  const claim = parseClaim(comment);
  if (claim?.kind !== 'numbers') return false;
  const numbers = printed.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? [];
  return numbers.length === claim.values.length && numbers.every((n, i) => agrees(Number(n), claim.values[i]));
}

/** The one argument of a `console.log(x); // …` line, or null (several arguments, or none). */
function soleArgument(line: string): string | null {
  const m = /^\s*console\.log\((.*)\);\s*\/\/ /.exec(line);
  if (!m) return null;
  let depth = 0;
  for (const ch of m[1]) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) return null;
    if (depth < 0) return null;
  }
  return depth === 0 ? m[1] : null;
}

/** A program with each `console.log(x); // value` line turned into the claim `x; // value` where that reads as one. */
export function withPrintedClaims(code: string): string {
  return code.split('\n').map((line) => {
    const arg = soleArgument(line);
    if (arg === null) return line;
    const claim = `${/^\s*/.exec(line)![0]}${arg}; // ${line.slice(line.lastIndexOf('// ') + 3)}`;
    return claimLines(claim).length === 1 ? claim : line;
  }).join('\n');
}

const pages = docPages().map((page) => [page, programs(page)] as const).filter(([, p]) => p.length > 0);

it('finds the pages and their programs', () => {
  const names = pages.map(([page]) => page);
  expect(names).toContain('README.md');
  expect(names).toContain('docs/guide/training.md');
  expect(names.some((p) => p.startsWith('docs/_incoming/') || p.startsWith('docs/api/'))).toBe(false);
  for (const [page, list] of pages) for (const p of list) for (const d of p.directives) expect(KNOWN.has(d), `${where(page, p.first.line)}: unknown directive "${d}"`).toBe(true);
});

it("links the README's readers to files that exist (the site's own links are checked in test/docs-site.test.ts)", () => {
  const readme = readFileSync(`${root}/README.md`, 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/i.test(href));
  expect(links.length).toBeGreaterThan(10);
  expect(links.filter((href) => href.startsWith('#') || !existsSync(`${root}/${href.split('#')[0]}`))).toEqual([]);
});

describe.each(pages)('%s', (page, list) => {
  it.each(list.map((p) => [where(page, p.first.line), p] as const))('the program at %s runs as written and shows what it says', async (_, program) => {
    const { code, directives } = program;
    expect(code, 'a program starts with its imports').toMatch(/^\s*(import\s|const .* = require\()/m);
    const options = { commonjs: directives.includes('commonjs'), cwd: directives.includes('cwd=repo') ? root : undefined, prelude: directives.map((d) => PRELUDES[d] ?? '').join('\n') };
    const printed: string[] = [];
    const results = await runClaims(code, { ...options, printed });
    expect(results.map(mismatch).filter((m) => m !== null)).toEqual([]);
    // Each console.log line's comment, found in order in what the program printed; a line whose
    // output reads otherwise (a long array over several lines) is checked as the value it shows.
    let at = 0;
    const unseen: string[] = [];
    for (const line of code.split('\n').filter((l) => /^\s*console\.log\(/.test(l) && l.includes('// '))) {
      const comment = line.slice(line.lastIndexOf('// ') + 3).trim();
      const found = printed.findIndex((p, i) => i >= at && shows(p, comment));
      if (found < 0) unseen.push(line.trim());
      else at = found + 1;
    }
    if (unseen.length > 0) {
      const asClaims = await runClaims(withPrintedClaims(code), options);
      for (const line of unseen) {
        const result = asClaims.find((r) => `console.log(${r.claim.expression}); // ${r.claim.comment}` === line);
        expect(result, `"${line}" printed none of ${JSON.stringify(printed)}`).toBeDefined();
        expect(mismatch(result!)).toBeNull();
      }
    }
  }, 240_000);
});
