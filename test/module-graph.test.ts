// The source's module graph flows one way (public class → training loop → engine → kernels):
// no import cycle, type-only imports included, since a cycle makes load order matter and
// hides which module owns what.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'build' ? [] : sources(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each module's relative imports and re-exports, resolved to source files. */
function graph(): Map<string, string[]> {
  const files = sources(SRC);
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => {
      const path = resolve(dirname(file), m[1]);
      return [path.replace(/\.js$/, '.ts'), path].find((p) => known.has(p));
    });
    edges.set(file, targets.filter((t): t is string => t !== undefined));
  }
  return edges;
}

/** Every cycle, each as the chain of modules from its first member back to it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('src/ module graph', () => {
  it('has no import cycles', () => {
    const found = cycles(graph()).map((cycle) => cycle.map((f) => relative(SRC, f)).join(' → '));
    expect(found).toEqual([]);
  });

  it('the checker finds a cycle when there is one', () => {
    const a = '/a.ts', b = '/b.ts', c = '/c.ts';
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([[a, b, c, a]]);
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
  });
});
