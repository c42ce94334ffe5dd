// Shared helper of the CLI's tests: runs the compiled `wasm-mlp` command (dist/cli/main.js, built
// by `npm test`'s pretest) in a folder and collects what it wrote, whatever its exit code.
import { execFile } from 'node:child_process';

/** The compiled command. */
export const CLI_BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** How a command ended: its exit code (0 on success) and everything it wrote. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wasm-mlp …args` with `cwd` as its working folder; never rejects on a failing command. */
export function runCli(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_BIN, ...args], { cwd }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}
