// The package as a strict TypeScript user compiles it: test/consumer/*.ts against dist/'s
// declarations (the package's own exports), with `tsc --noEmit`. Mistakes the types must catch
// are marked @ts-expect-error there, so a type that stops catching one fails this test too.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('test/consumer compiles under strict with the built declarations', async () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'test/consumer/tsconfig.json'], { cwd: root }).catch((e) => e);
  expect(result.stdout ?? '').toBe('');
  expect(result.code ?? 0).toBe(0);
}, 120_000);

it('every published source map carries its sources, so a bundler needs no src/ (not shipped)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const maps = (readdirSync(`${root}dist`, { recursive: true }) as string[]).filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(10);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(`${root}dist/${file}`, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sourcesContent?.length, file).toBe(map.sources.length);
    expect(map.sourcesContent!.every((s) => s.length > 0), file).toBe(true);
  }
});
