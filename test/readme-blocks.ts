// Runs README code blocks as written, against the built package (dist/, as a user installs it):
// a block is taken from under its heading, `from 'wasm-mlp'` points at dist/index.js, and the
// block runs as an ES module in a child Node process whose output the tests compare with the
// README's own comments.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dist = join(root, 'dist/index.js');

/** The text of a README section: from its heading line to the next heading of the same or a higher level. */
export function readmeSection(heading: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const level = lines[start].indexOf(' ');
  let end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level && !inFence(lines, i));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n');
}

/** The code of every fenced block (of any of `languages`) in a README section, its subsections included. */
export function readmeBlocks(heading: string, languages = ['js', 'ts']): string[] {
  return [...readmeSection(heading).matchAll(/^ *```(\w*)\n([\s\S]*?)^ *```$/gm)].filter((m) => languages.includes(m[1])).map((m) => m[2]);
}

/** The code of the n-th fenced block (of any of `languages`) in a README section. */
export function readmeBlock(heading: string, n = 0, languages = ['js', 'ts']): string {
  const block = readmeBlocks(heading, languages)[n];
  if (block === undefined) throw new Error(`README section "${heading}" has no code block ${n} in ${languages.join('/')}`);
  return block;
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

/** Runs a block (after an optional prelude) as an ES module importing the built package; returns its output lines. */
export async function runBlock(code: string, prelude = ''): Promise<string[]> {
  if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-readme-'));
  const file = join(dir, 'block.mjs');
  writeFileSync(file, prelude + '\n' + code.replaceAll("from 'wasm-mlp'", `from '${pathToFileURL(dist).href}'`));
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir, timeout: 120_000 });
  return stdout.trimEnd().split('\n');
}

function inFence(lines: string[], index: number): boolean {
  return lines.slice(0, index).filter((line) => line.startsWith('```')).length % 2 === 1;
}
