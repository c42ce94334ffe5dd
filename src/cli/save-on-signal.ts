// What `wasm-mlp train` does so a finished (or interrupted) training is never lost: SIGINT or
// SIGTERM stops training after the batch in progress and saves the model trained so far; the
// model is written to a temporary file beside --out and renamed over it, so a previous model
// there is replaced whole or not at all; when --out cannot be written (disk full, its folder
// removed meanwhile), the model goes to the temporary folder instead, and the CLI says where.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { WasmMlpError } from '../core/errors.js';

type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's exit status for a process ended by the signal: 128 + its number. */
const EXIT_STATUS: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT and SIGTERM while training: the first asks the loop to stop after the batch in
 * progress (it checks `requested`), the second quits at once, without saving.
 */
export class TrainingStop {
  /** The signal that asked to stop, or null. */
  signal: StopSignal | null = null;

  private constructor(private readonly note: (line: string) => void) {}

  /** Listens for SIGINT and SIGTERM until `close`; `note` tells the user what happens. */
  static listen(note: (line: string) => void): TrainingStop {
    const stop = new TrainingStop(note);
    process.on('SIGINT', stop.handle);
    process.on('SIGTERM', stop.handle);
    return stop;
  }

  get requested(): boolean {
    return this.signal !== null;
  }

  /** The process's exit status after an interrupted training (undefined when none was). */
  get exitStatus(): number | undefined {
    return this.signal === null ? undefined : EXIT_STATUS[this.signal];
  }

  close(): void {
    process.off('SIGINT', this.handle);
    process.off('SIGTERM', this.handle);
  }

  private readonly handle = (signal: StopSignal): void => {
    if (this.signal !== null) process.exit(EXIT_STATUS[signal]);
    this.signal = signal;
    this.note(`${signal}: finishing the batch in progress, then saving the model trained so far (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again quits without saving)`);
  };
}

/** An error's code (ENOSPC, ENOENT…) or, lacking one, its message. */
function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * Writes `text` to `path` whole or not at all: into a temporary file in the same folder, flushed,
 * then renamed over `path`. A path that is not a regular file (a device such as /dev/stdout, a
 * pipe) cannot be replaced by a rename, so it is written directly.
 */
export function writeFileAtomically(path: string, text: string): void {
  let special = false;
  try {
    special = !statSync(path).isFile();
  } catch {
    // Nothing there yet: the rename creates it.
  }
  const target = special ? path : join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(target, special ? 'w' : 'wx');
  try {
    writeSync(fd, text);
    if (!special) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    if (!special) rmSync(target, { force: true });
    throw error;
  }
  closeSync(fd);
  if (special) return;
  try {
    renameSync(target, path);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  }
}

/** Where a file was saved: `path`, or the fallback with the reason `path` could not be written. */
export interface Saved {
  path: string;
  /** Why the requested path could not be written (null: it was). */
  failure: string | null;
}

/**
 * Writes `text` to `path` atomically; if that fails, to a new file in the temporary folder.
 * Throws a WasmMlpError naming both only when neither can be written.
 */
export function saveWithFallback(path: string, text: string): Saved {
  try {
    writeFileAtomically(path, text);
    return { path, failure: null };
  } catch (error) {
    const failure = reason(error);
    const name = basename(path).replace(/(\.wmlp)?$/, '');
    const fallback = join(tmpdir(), `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.wmlp`);
    try {
      writeFileAtomically(fallback, text);
    } catch (second) {
      throw new WasmMlpError(`${path}: could not write the model (${failure}), nor a copy at ${fallback} (${reason(second)})`);
    }
    return { path: fallback, failure };
  }
}

/**
 * Saves the trained model (`text`) at `outPath` or, failing that, in the temporary folder, and
 * says where (`say`; a fallback also on stderr, with exit status 1). After a signal, the exit
 * status is the signal's (130 for SIGINT, 143 for SIGTERM).
 */
export function saveTrainedModel(outPath: string, text: string, say: (line: string) => void, stop: TrainingStop): void {
  const saved = saveWithFallback(outPath, text);
  const what = stop.requested ? 'the model trained so far' : 'the model';
  if (saved.failure !== null) {
    process.stderr.write(`wasm-mlp: could not write ${outPath} (${saved.failure}); saved ${what} to ${saved.path} instead\n`);
    process.exitCode = 1;
  }
  say(`saved ${what} to ${saved.path}`);
  if (stop.exitStatus !== undefined) process.exitCode = stop.exitStatus;
}

/** Yields to the event loop, so that a signal that came during synchronous training is seen. */
export function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
