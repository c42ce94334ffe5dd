// Every README section's JavaScript runs as written against the built package: the blocks of a
// section run in order as one module (later blocks use names the earlier ones define), in a
// fresh directory, and must finish without an error. Sections whose printed values the README
// states are compared in test/readme-start.test.ts and the readme-*.test.ts files.
import { describe, expect, it } from 'vitest';
import { readmeBlocks, runBlock } from './readme-blocks.js';

// "Multi-core training" uses a data set it does not define (test/readme-threads.test.ts runs it
// with one); its Vite config fragment is not a program.
const SECTIONS = [
  'The worked example: one training step by hand',
  'Training with fit',
  'Training off the main thread',
  'Standalone inference: `toFunction`',
  'Learning-rate schedules',
  'Optimizers',
  'Checkpoints',
  'safetensors and PyTorch',
  'Errors and limits',
  'Speed',
];

describe.each(SECTIONS)('README "%s"', (heading) => {
  it('runs as written', async () => {
    const code = readmeBlocks(heading).join('\n');
    expect(code).toContain("from 'wasm-mlp'");
    await runBlock(code);
  }, 180_000);
});
