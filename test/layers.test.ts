// The folders of src/ are its layers (src/layers.json, bottom to top): every module imports only
// from its own layer or from a layer below that its layer uses, so dependencies flow one way —
// cli → api → training → io → backends → state → engine → model → registry → core/kernels, and
// inference beside training, depending only downward. Imports of every kind count (type-only,
// dynamic, workers): each is a dependency a reader must follow.
import { readFileSync, readdirSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, importGraph, type Import } from './support/import-graph.js';

interface Layer {
  name: string;
  folders: string[];
  uses: string[];
  holds: string;
}
interface Layers {
  layers: Layer[];
  entry: string;
}

const DECLARED: Layers = JSON.parse(readFileSync(new URL('../src/layers.json', import.meta.url), 'utf8'));

/** Each layer's name → every layer it may import from: itself and what it uses, transitively. */
function reach(layers: readonly Layer[]): Map<string, Set<string>> {
  const reachable = new Map<string, Set<string>>();
  for (const layer of layers) {
    const set = new Set([layer.name]);
    for (const used of layer.uses) for (const name of reachable.get(used) ?? []) set.add(name);
    reachable.set(layer.name, set);
  }
  return reachable;
}

/** What is wrong with the declaration itself: a layer using one above it or unknown, a folder in two layers. */
function declarationProblems({ layers }: Layers): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const owner = new Map<string, string>();
  for (const layer of layers) {
    for (const used of layer.uses) if (!seen.has(used)) problems.push(`layer ${layer.name} uses ${used}, which is not a layer below it`);
    for (const folder of layer.folders) {
      if (owner.has(folder)) problems.push(`folder src/${folder} is in two layers, ${owner.get(folder)} and ${layer.name}`);
      owner.set(folder, layer.name);
    }
    seen.add(layer.name);
  }
  return problems;
}

/**
 * Every import that leaves its layer for one the layer does not use, named by file, import and
 * layers; and every module outside a declared folder. `graph` maps src/-relative paths (with `/`) to imports.
 */
function violations(declared: Layers, graph: ReadonlyMap<string, readonly Pick<Import, 'specifier' | 'target'>[]>): string[] {
  const layerOf = new Map(declared.layers.flatMap((layer) => layer.folders.map((folder) => [folder, layer.name] as const)));
  const reachable = reach(declared.layers);
  const layerOfFile = (file: string) => (file === declared.entry ? 'entry' : layerOf.get(file.split('/')[0]!));
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOfFile(file);
    if (from === undefined) {
      problems.push(`src/${file}: in no layer (its folder is not in src/layers.json)`);
      continue;
    }
    if (from === 'entry') continue;
    for (const { specifier, target } of imports) {
      const to = layerOfFile(target);
      if (to !== undefined && to !== 'entry' && reachable.get(from)!.has(to)) continue;
      problems.push(`src/${file} imports '${specifier}' (src/${target}): layer ${from} may not import from layer ${to ?? '(none)'}`);
    }
  }
  return problems;
}

/** src/'s graph with paths relative to src/, written with `/`. */
function sourceGraph(): Map<string, { specifier: string; target: string }[]> {
  const rel = (path: string) => relative(SRC, path).split(sep).join('/');
  return new Map([...importGraph()].map(([file, imports]) => [rel(file), imports.map((i) => ({ specifier: i.specifier, target: rel(i.target) }))]));
}

describe('src/ layers', () => {
  it('the declaration is a one-way list: each layer uses only layers below it, each folder is in one layer', () => {
    expect(declarationProblems(DECLARED)).toEqual([]);
  });

  it('every folder of src/ is in a layer, and only the package entry sits beside them', () => {
    const declared = new Set(DECLARED.layers.flatMap((layer) => layer.folders));
    const entries = readdirSync(SRC, { withFileTypes: true });
    expect(entries.filter((e) => e.isDirectory() && !declared.has(e.name)).map((e) => e.name)).toEqual([]);
    expect(entries.filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name)).map((e) => e.name)).toEqual([DECLARED.entry]);
  });

  it('every import goes to the same layer or to one below that the layer uses', () => {
    expect(violations(DECLARED, sourceGraph())).toEqual([]);
  });

  it('names the file, the import and the layers of an import that runs upward or sideways', () => {
    const graph = sourceGraph();
    // Planted: the registry reaching up into the training loop, and inference into training (its neighbour, not below it).
    graph.set('registry/planted.ts', [{ specifier: '../training/fit.js', target: 'training/fit.ts' }]);
    graph.set('inference/planted.ts', [{ specifier: '../training/metrics.js', target: 'training/metrics.ts' }]);
    graph.set('loose.ts', []);
    expect(violations(DECLARED, graph)).toEqual([
      "src/registry/planted.ts imports '../training/fit.js' (src/training/fit.ts): layer registry may not import from layer training",
      "src/inference/planted.ts imports '../training/metrics.js' (src/training/metrics.ts): layer inference may not import from layer training",
      'src/loose.ts: in no layer (its folder is not in src/layers.json)',
    ]);
  });

  it('finds a layer that uses one above it, and a folder declared twice', () => {
    const layers: Layer[] = [
      { name: 'low', folders: ['a'], uses: ['high'], holds: '' },
      { name: 'high', folders: ['a'], uses: ['low'], holds: '' },
    ];
    expect(declarationProblems({ layers, entry: 'index.ts' })).toEqual([
      'layer low uses high, which is not a layer below it',
      'folder src/a is in two layers, low and high',
    ]);
  });

  it("README.md's Architecture section draws the layers as src/layers.json declares them, top first", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## Architecture');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const names = [...DECLARED.layers].reverse().map((layer) => `${layer.name} (${layer.folders.map((f) => `${f}/`).join(' ')})`);
    for (const name of names) expect(section).toContain(name);
    const positions = names.map((name) => section.indexOf(name));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
