// The source's module graph flows one way (public class → training loop → engine → kernels):
// no import cycle, type-only imports included, since a cycle makes load order matter and
// hides which module owns what.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, importGraph } from './support/import-graph.js';

/**
 * Each module's imports (static, type-only and dynamic), as the files they resolve to. A worker's
 * file is left out: it is loaded in a realm of its own, so importing back its starter is no cycle.
 */
function graph(): Map<string, string[]> {
  return new Map([...importGraph()].map(([file, imports]) => [file, imports.filter((i) => i.kind === 'module').map((i) => i.target)]));
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
