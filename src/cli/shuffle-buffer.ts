import type { Random } from '../core/random.js';

/**
 * A seeded shuffle buffer over fixed-width rows (as tf.data's `Dataset.shuffle(bufferSize)`):
 * it holds up to `capacity` rows; once full, each arriving row takes the slot of a uniformly
 * chosen held row, which goes out. `drain` empties it in random order. Memory is the buffer
 * only, whatever the stream's length; a capacity of 1 keeps the stream's order, and one at
 * least the stream's length gives a uniform shuffle.
 */
export class ShuffleBuffer {
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private held = 0;

  constructor(readonly capacity: number, readonly width: number, readonly targetWidth: number, private readonly random: Random) {
    this.x = new Float32Array(capacity * width);
    this.y = new Float32Array(capacity * targetWidth);
  }

  /**
   * Adds a row (its features, then its targets, given by `fill` writing into the buffer's
   * views) and hands `emit` the row that leaves, if one does.
   */
  push(fill: (x: Float32Array, y: Float32Array) => void, emit: (x: Float32Array, y: Float32Array) => void): void {
    if (this.held < this.capacity) {
      fill(this.rowX(this.held), this.rowY(this.held));
      this.held++;
      return;
    }
    const slot = this.random.int(this.capacity);
    emit(this.rowX(slot), this.rowY(slot));
    fill(this.rowX(slot), this.rowY(slot));
  }

  /** Emits every held row in random order (a Fisher–Yates pass over the slots). */
  drain(emit: (x: Float32Array, y: Float32Array) => void): void {
    for (let n = this.held; n > 0; n--) {
      const slot = this.random.int(n);
      emit(this.rowX(slot), this.rowY(slot));
      // The last held row moves into the emitted slot.
      this.rowX(slot).set(this.rowX(n - 1));
      this.rowY(slot).set(this.rowY(n - 1));
    }
    this.held = 0;
  }

  private rowX(i: number): Float32Array {
    return this.x.subarray(i * this.width, (i + 1) * this.width);
  }

  private rowY(i: number): Float32Array {
    return this.y.subarray(i * this.targetWidth, (i + 1) * this.targetWidth);
  }
}
