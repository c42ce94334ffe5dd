// Runs the documentation's code blocks as written, against the built package (dist/, as a user
// installs it): a block is taken from under its heading in README.md or a page of docs/,
// `from 'wasm-mlp'` (and 'wasm-mlp/inference') points at dist/, and the block runs as an ES
// module in a child Node process whose output the tests compare with the page's own comments.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist/index.js');
const inferenceDist = join(root, 'dist/inference/index.js');
/** Block files live inside the repository, so their bare imports (vite, onnxruntime-web, brain.js) resolve to its node_modules. */
const blockRoot = join(root, 'test-artifacts/doc-blocks');

/** Pages whose blocks run: README.md and docs/**\/*.md, except notes waiting to be placed and generated API pages. */
export function docPages(): string[] {
  const walk = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return ['docs/_incoming', 'docs/api', 'docs/.vitepress'].includes(path) ? [] : walk(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
  return ['README.md', ...walk('docs').sort()];
}

const texts = new Map<string, string>();
function pageText(page: string): string {
  if (!texts.has(page)) texts.set(page, readFileSync(join(root, page), 'utf8'));
  return texts.get(page)!;
}

/** The line index of a heading in a page, or -1. */
function headingLine(lines: string[], heading: string): number {
  return lines.findIndex((line, i) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading && !inFence(lines, i));
}

/**
 * The page that holds a heading: `page` when given; else README.md when it has the heading, else
 * the one docs page that has it (so a section keeps being found after it moves from the README).
 */
export function pageOf(heading: string, page?: string): string {
  if (page) return page;
  const holders = docPages().filter((p) => headingLine(pageText(p).split('\n'), heading) >= 0);
  if (holders.includes('README.md')) return 'README.md';
  if (holders.length !== 1) throw new Error(holders.length ? `the heading "${heading}" is in several pages: ${holders.join(', ')}` : `no page has the heading "${heading}"`);
  return holders[0];
}

/** The text of a section: from its heading line to the next heading of the same or a higher level. */
export function docSection(page: string, heading: string): string {
  const lines = pageText(page).split('\n');
  const start = headingLine(lines, heading);
  if (start < 0) throw new Error(`${page} has no heading "${heading}"`);
  const level = lines[start].indexOf(' ');
  let end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level && !inFence(lines, i));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n');
}

/** A fenced block of a page: its language, its code, the `<!-- docs-test: … -->` directives just above it, and its line. */
export interface DocBlock { language: string; code: string; directives: string[]; line: number }

/** Every fenced block of a text (a page or a section), with the directives written above it. */
export function fencedBlocks(text: string): DocBlock[] {
  // A fence may carry a title after its language (```js [brain.js] in a VitePress code group).
  return [...text.matchAll(/^ *```(\w*)(?: [^\n]*)?\n([\s\S]*?)^ *```$/gm)].map((m) => {
    const before = text.slice(0, m.index).split('\n').slice(0, -1);
    const directives: string[] = [];
    for (let i = before.length - 1; i >= 0 && /^\s*(<!-- docs-test: .* -->)?\s*$/.test(before[i]); i--) {
      const d = /<!-- docs-test: (.*) -->/.exec(before[i]);
      if (d) directives.unshift(...d[1].split(',').map((s) => s.trim()));
      if (!d && i < before.length - 1) break; // directives sit right above the fence, blank lines aside
    }
    return { language: m[1], code: m[2], directives, line: before.length + 1 };
  });
}

/** The code of every fenced block (of any of `languages`) in a section of a page, its subsections included. */
export function docBlocks(page: string, heading: string, languages = ['js', 'ts']): string[] {
  return fencedBlocks(docSection(page, heading)).filter((b) => languages.includes(b.language)).map((b) => b.code);
}

/** The code of the n-th fenced block (of any of `languages`) in a section of a page. */
export function docBlock(page: string, heading: string, n = 0, languages = ['js', 'ts']): string {
  const block = docBlocks(page, heading, languages)[n];
  if (block === undefined) throw new Error(`${page} section "${heading}" has no code block ${n} in ${languages.join('/')}`);
  return block;
}

/** A section found by heading alone (README.md, else the one docs page that has it). */
export function readmeSection(heading: string): string {
  return docSection(pageOf(heading), heading);
}

/** The blocks of a section found by heading alone. */
export function readmeBlocks(heading: string, languages = ['js', 'ts']): string[] {
  return docBlocks(pageOf(heading), heading, languages);
}

/** The n-th block of a section found by heading alone. */
export function readmeBlock(heading: string, n = 0, languages = ['js', 'ts']): string {
  return docBlock(pageOf(heading), heading, n, languages);
}

/** The `// …` comments on the lines that call console.log, in order: what the block says it prints. */
export function expectedPrints(code: string): string[] {
  return code.split('\n').filter((line) => /^\s*console\.log\(/.test(line) && line.includes('// ')).map((line) => line.slice(line.lastIndexOf('// ') + 3).trim());
}

/** Whether printed text matches a README comment in which `…` stands for omitted digits. */
export function matchesComment(printed: string, comment: string): boolean {
  const pattern = comment.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d*');
  return new RegExp(`^${pattern}$`).test(printed);
}

/** How a block runs: in which directory, and as an ES module (the default) or as CommonJS. */
export interface RunOptions { cwd?: string; commonjs?: boolean }

/** Runs a block (after an optional prelude) as an ES module importing the built package; returns its output lines. */
export async function runBlock(code: string, prelude = '', cwdOrOptions?: string | RunOptions): Promise<string[]> {
  const options = typeof cwdOrOptions === 'string' ? { cwd: cwdOrOptions } : cwdOrOptions ?? {};
  if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  mkdirSync(blockRoot, { recursive: true });
  const dir = mkdtempSync(join(blockRoot, 'block-'));
  const file = join(dir, options.commonjs ? 'block.cjs' : 'block.mjs');
  const target = (path: string) => (options.commonjs ? path : pathToFileURL(path).href);
  writeFileSync(file, prelude + '\n' + code
    .replace(/(from |require\()'wasm-mlp\/inference'/g, `$1'${target(inferenceDist)}'`)
    .replace(/(from |require\()'wasm-mlp'/g, `$1'${target(dist)}'`));
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: options.cwd ?? dir, timeout: 120_000, maxBuffer: 16 << 20 });
  return stdout.trimEnd().split('\n');
}

/** Where a page's block is, for messages: `docs/guide/training.md:42`. */
export function where(page: string, line: number): string {
  return `${relative(root, join(root, page))}:${line}`;
}

function inFence(lines: string[], index: number): boolean {
  return lines.slice(0, index).filter((line) => line.startsWith('```')).length % 2 === 1;
}

/** What a README comment after an expression says it evaluates to. */
export type Claim =
  | { kind: 'numbers'; typed: string | null; values: string[] } // numbers as written ('3.25', '2.85…', '3.55e-9'), flattened
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'throws'; name: string; message: string };

/**
 * The claim a `// …` comment makes about the expression before it, or null for a comment that
 * describes rather than shows a value ("per epoch", "the network holds the trained weights").
 */
export function parseClaim(comment: string): Claim | null {
  const thrown = /^(\w*Error): (.+)$/.exec(comment);
  if (thrown) return { kind: 'throws', name: thrown[1], message: thrown[2] };
  // One quoted string; 'a' | 'b' or 'a', 'b', … lists possibilities rather than a value.
  const quoted = /^(["'])((?:(?!\1).)*)\1(?!\s*[|,])/.exec(comment);
  if (quoted) return { kind: 'string', value: quoted[2] };
  const bool = /^(true|false)\b/.exec(comment);
  if (bool) return { kind: 'boolean', value: bool[1] === 'true' };
  const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e-?\d+)?…?`;
  const list = new RegExp(String.raw`^(?:(\w+Array) )?(\[[\[\]\s,\d.e…-]*\])`).exec(comment);
  if (list && new RegExp(NUMBER).test(list[2])) return { kind: 'numbers', typed: list[1] ?? null, values: list[2].match(new RegExp(NUMBER, 'g'))! };
  const single = new RegExp(String.raw`^(${NUMBER})(?=$|[\s,;:)])`).exec(comment);
  if (single) return { kind: 'numbers', typed: null, values: [single[1]] };
  return null;
}

/**
 * Whether a number agrees with how the README writes it: to the digits shown ('0.966' is
 * 0.966 ± 0.0005), '…' meaning digits cut off rather than rounded, and e-notation (a loss after
 * training) within 2%, since kernel builds may move its last digits.
 */
export function agrees(actual: number, written: string): boolean {
  if (written.endsWith('…')) return String(actual).startsWith(written.slice(0, -1)) || actual.toFixed(written.length).startsWith(written.slice(0, -1));
  const shown = Number(written);
  if (written.includes('e')) return Math.abs(actual - shown) <= 0.02 * Math.abs(shown);
  const decimals = written.split('.')[1]?.length ?? 0;
  return Math.abs(actual - shown) <= 0.5 * 10 ** -decimals + 1e-12;
}

/** A claim line of a block: `expression; // comment` where the comment shows a value. */
export interface ClaimLine { line: number; expression: string; comment: string; claim: Claim }

/** The lines of a block whose comments show the value of the expression statement before them. */
export function claimLines(code: string): ClaimLine[] {
  return code.split('\n').flatMap((text, line) => {
    const m = /^\s*([^/]+?);\s*\/\/ (.+)$/.exec(text);
    if (!m || /^(const|let|var|import|export|return|throw)\b/.test(m[1]) || m[1].startsWith('console.log(')) return [];
    const claim = parseClaim(m[2].trim());
    return claim ? [{ line, expression: m[1], comment: m[2].trim(), claim }] : [];
  });
}

const VALUE_MARK = '@@readme-value ';

/**
 * Runs a block with each claim line's expression evaluated and reported (its value, or the error
 * it throws) instead of run bare; returns what each claim line produced, in order.
 */
export async function runClaims(code: string, options: RunOptions & { prelude?: string; printed?: string[] } = {}): Promise<{ claim: ClaimLine; value?: unknown; typed?: string; error?: { name: string; message: string } }[]> {
  const claims = claimLines(code);
  const lines = code.split('\n');
  for (const c of claims) {
    const indent = /^\s*/.exec(lines[c.line])![0];
    lines[c.line] = `${indent}await globalThis.__report(${c.line}, async () => (${c.expression}));`;
  }
  const prelude = `globalThis.__report = async (line, run) => {
  const plain = (v) => ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v;
  try { const v = await run(); console.log(${JSON.stringify(VALUE_MARK)} + JSON.stringify({ line, value: plain(v), typed: ArrayBuffer.isView(v) ? v.constructor.name : undefined })); }
  catch (e) { console.log(${JSON.stringify(VALUE_MARK)} + JSON.stringify({ line, error: { name: e.name, message: e.message } })); }
};`;
  const printed = await runBlock(lines.join('\n'), prelude + '\n' + (options.prelude ?? ''), options);
  options.printed?.push(...printed.filter((l) => !l.startsWith(VALUE_MARK)));
  const reports = printed.filter((l) => l.startsWith(VALUE_MARK)).map((l) => JSON.parse(l.slice(VALUE_MARK.length)) as { line: number; value?: unknown; typed?: string; error?: { name: string; message: string } });
  return claims.map((claim) => ({ claim, ...reports.find((r) => r.line === claim.line) }));
}

/** Why a reported value does not match its claim, or null when it does. */
export function mismatch(result: { claim: ClaimLine; value?: unknown; typed?: string; error?: { name: string; message: string } }): string | null {
  const { claim, value, typed, error } = result;
  const where = `docs line "${claim.expression}; // ${claim.comment}"`;
  if (claim.claim.kind === 'throws') {
    return error?.name === claim.claim.name && error.message === claim.claim.message ? null : `${where}: threw ${JSON.stringify(error)} (value ${JSON.stringify(value)})`;
  }
  if (error) return `${where}: threw ${error.name}: ${error.message}`;
  if (claim.claim.kind === 'string' || claim.claim.kind === 'boolean') return value === claim.claim.value ? null : `${where}: got ${JSON.stringify(value)}`;
  const numbers = [value].flat(Infinity as 1) as unknown[];
  const { values, typed: writtenType } = claim.claim;
  if (writtenType && writtenType !== typed) return `${where}: got a ${typed ?? typeof value}`;
  if (numbers.length !== values.length || !numbers.every((n, i) => typeof n === 'number' && agrees(n, values[i]))) return `${where}: got ${JSON.stringify(value)}`;
  return null;
}
