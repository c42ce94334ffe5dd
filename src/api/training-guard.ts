// One training call at a time per network, and no change to it while one runs: a second fit would
// replace the first one's dataset under it, and a change made mid-fit would be overwritten.
import { ValueError } from '../core/errors.js';

/** Which training call (fit, fitAsync, fitDataset) a network is in, if any. */
export class TrainingGuard {
  private running: string | null = null;

  /** Throws while a training call runs: `fn` changes what training would overwrite. */
  refuseChange(fn: string): void {
    if (this.running) {
      throw new ValueError(`${fn}: this network is training (a fit or fitAsync has not returned), and training would overwrite the change; call it after training ends, or stop training first (options.signal, or a callback returning false)`);
    }
  }

  /** Runs the training call `fn` (its promise, for an async one, until it settles), refusing it while another runs. */
  run<T>(fn: string, body: () => T): T {
    if (this.running === 'fit') throw new ValueError(`${fn}: this network is already training in fit (called from one of its callbacks?); call it after fit returns`);
    if (this.running) throw new ValueError(`${fn}: this network is already training in a ${this.running} that has not finished; await it (or abort it through its signal) first`);
    this.running = fn;
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.running = null;
      throw error;
    }
    if (result instanceof Promise) return result.finally(() => (this.running = null)) as T;
    this.running = null;
    return result;
  }
}
