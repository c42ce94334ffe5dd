/**
 * What a Node worker_threads Worker is started with. A Worker inherits the process's Node
 * flags, but refuses V8 and per-process flags in `execArgv` (ERR_WORKER_INVALID_EXEC_ARGV):
 * `node --max-old-space-size=4096 app.mjs`, `--expose-gc` or `--stack-size=…` would otherwise
 * stop every worker from starting. V8 flags are process-wide, so a worker has them anyway;
 * heap sizes, which V8 sets per isolate, cross as Node's `resourceLimits`.
 */

type NodeWorkerClass = typeof import('node:worker_threads').Worker;
type NodeWorkerInstance = InstanceType<NodeWorkerClass>;
type ResourceLimits = NonNullable<import('node:worker_threads').WorkerOptions['resourceLimits']>;

/** Flags a Worker refused in this process (learnt from its error), so later workers skip them at once. */
const refused = new Set<string>();

/** V8 keeps a young generation of 3 semi-spaces (two, plus the new large-object space). */
const SEMI_SPACES_PER_YOUNG_GENERATION = 3;

/** A flag's name without its value, with V8's `_` spelled `-`: `--max_old_space_size=8` → `--max-old-space-size`. */
function flagName(flag: string): string {
  return flag.split('=', 1)[0].replace(/_/g, '-');
}

/** Flags known to be refused by a Worker: V8's own (heap, stack, gc, wasm features) and code-input flags. */
function knownRefused(flag: string): boolean {
  const name = flagName(flag);
  return name === '--input-type' || name === '--max-old-space-size' || name === '--max-semi-space-size' || name === '--stack-size'
    || name === '--expose-gc' || /^--(no-)?(experimental-)?wasm-(?!modules)/.test(name);
}

/** The value of `--name=value` among the process's flags, as a positive number, or undefined. */
function numericFlag(name: string): number | undefined {
  for (const flag of process.execArgv) {
    const [key, value] = [flagName(flag), flag.slice(flag.indexOf('=') + 1)];
    if (key === name && flag.includes('=') && Number(value) > 0) return Number(value);
  }
  return undefined;
}

/** The caller's flags that a Worker accepts. */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) => !knownRefused(flag) && !refused.has(flag));
}

/** The heap limits the process was started with, for its workers (undefined: Node's defaults). */
export function workerResourceLimits(): ResourceLimits | undefined {
  const old = numericFlag('--max-old-space-size');
  const semi = numericFlag('--max-semi-space-size');
  if (old === undefined && semi === undefined) return undefined;
  return { ...(old !== undefined && { maxOldGenerationSizeMb: old }), ...(semi !== undefined && { maxYoungGenerationSizeMb: semi * SEMI_SPACES_PER_YOUNG_GENERATION }) };
}

/**
 * Starts a Worker on `url` with the process's flags that workers accept. A flag Node refuses
 * that is not known here is dropped (its name comes in Node's error) and the Worker started
 * again, once; any other failure is thrown, synchronously, to the caller.
 */
export function startNodeWorker(Worker: NodeWorkerClass, url: URL): NodeWorkerInstance {
  const options = () => ({ execArgv: workerExecArgv(), resourceLimits: workerResourceLimits() });
  try {
    return new Worker(url, options());
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    const flags = workerExecArgv();
    // Node names the refused flags after the colon: "… invalid execArgv flags: --a, --b=1".
    const named = (error as Error).message.split(': ').slice(1).join(': ').split(', ').filter((flag) => flags.includes(flag));
    for (const flag of named.length > 0 ? named : flags) refused.add(flag);
    return new Worker(url, options());
  }
}
