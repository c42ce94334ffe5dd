import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WasmMlpError } from '../core/errors.js';
import { UsageError } from './args.js';

/**
 * Throws a one-line UsageError unless a file can be written at `path` (named by `option`):
 * checked before any work, so a long training run is not lost to a typo in --out.
 */
export function checkOutputFile(path: string, option: string): void {
  const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  let exists = false;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${option} ${path} is a directory; give a file name`);
    exists = true;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // ENOTDIR: a part of the path is a file; the directory check below says which.
    if (code(error) !== 'ENOENT' && code(error) !== 'ENOTDIR') throw new UsageError(`${option} ${path} cannot be written (${code(error)})`);
  }
  const directory = dirname(path);
  if (!exists) {
    try {
      if (!statSync(directory).isDirectory()) throw new UsageError(`${option} ${path}: ${directory} is not a directory`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${option} ${path}: the directory ${directory} does not exist`);
    }
  }
  try {
    accessSync(exists ? path : directory, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${option} ${path} cannot be written (${code(error)})`);
  }
}

/** Writes a file; a failure (disk full, say) is one line naming the file, not an internal error. */
export function writeOutputFile(path: string, text: string | Uint8Array): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new WasmMlpError(`${path}: could not write the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
