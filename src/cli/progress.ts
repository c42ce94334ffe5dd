/** Where a progress bar writes: a stream, told whether it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What one update reports. */
export interface ProgressState {
  /** Samples done in this epoch, and its total. */
  done: number;
  total: number;
  /** Running mean loss and accuracy (accuracy null for regression). */
  loss: number;
  accuracy: number | null;
  /** Seconds since the epoch started. */
  seconds: number;
}

/**
 * A per-epoch progress bar. On a terminal it redraws one line in place (at most every
 * `intervalMs`); elsewhere (pipes, CI logs) it prints only each epoch's final line, so logs
 * stay readable.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private readonly tty: boolean;

  constructor(private readonly out: ProgressOutput, private readonly label: string, private readonly intervalMs = 100) {
    this.tty = out.isTTY === true;
  }

  /** Shows the state; on a terminal only, and throttled. */
  update(state: ProgressState): void {
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.out.write(`\r${this.line(state)}\x1b[K`);
  }

  /** Prints the epoch's final line, with `extra` (e.g. a validation loss) at its end. */
  finish(state: ProgressState, extra?: string): void {
    const line = this.line(state) + (extra ? `  ${extra}` : '');
    this.out.write(`${this.tty ? '\r' : ''}${line}${this.tty ? '\x1b[K' : ''}\n`);
    this.lastDraw = -Infinity;
  }

  /** One line: label, bar, counts, loss, accuracy, samples/s, time left (or taken). */
  line(s: ProgressState): string {
    const fraction = s.total > 0 ? Math.min(1, s.done / s.total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const rate = s.seconds > 0 ? s.done / s.seconds : 0;
    const left = rate > 0 ? (s.total - s.done) / rate : 0;
    const time = s.done >= s.total ? `${s.seconds.toFixed(1)}s` : `${left.toFixed(1)}s left`;
    const accuracy = s.accuracy === null ? '' : `  acc ${(100 * s.accuracy).toFixed(1)}%`;
    const count = `${s.done}`.padStart(`${s.total}`.length);
    return `${this.label} ${bar} ${count}/${s.total}  loss ${s.loss.toFixed(4)}${accuracy}  ${formatRate(rate)} samples/s  ${time}`;
  }
}

/** A rate with thousands separators and no decimals: 12,345. */
export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}
