import { ValueError } from '../core/errors.js';
import { MAX_NETWORK_BYTES, formatBytes } from '../model/limits.js';

const PAGE = 65536;
/** Blocks start on cache-line boundaries: SIMD loads never straddle one needlessly. */
const ALIGN = 64;

interface Block {
  offset: number;
  size: number;
  free: boolean;
}

/**
 * One network's linear memory and a first-fit allocator over it. The TypeScript side owns
 * the layout of every byte; the kernels only follow pointers. Growing the memory detaches
 * the old ArrayBuffer, so typed-array views must be re-made after `generation` changes.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  /** Bumped whenever memory.grow replaces the buffer. */
  generation = 0;
  private readonly blocks: Block[] = [];

  /** `base`: the first byte the module leaves free (its heapBase export). */
  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    const start = Math.ceil(base / ALIGN) * ALIGN;
    this.blocks.push({ offset: start, size: memory.buffer.byteLength - start, free: true });
  }

  /** Allocates `bytes` (rounded up to the alignment); throws ValueError when it cannot fit. */
  alloc(bytes: number, what: string): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let index = this.blocks.findIndex((b) => b.free && b.size >= size);
    if (index < 0) index = this.grow(size, what);
    const block = this.blocks[index];
    if (block.size > size) {
      this.blocks.splice(index + 1, 0, { offset: block.offset + size, size: block.size - size, free: true });
      block.size = size;
    }
    block.free = false;
    return block.offset;
  }

  /** Returns a block; neighbours that are free merge so large requests can reuse the space. */
  free(offset: number): void {
    const index = this.blocks.findIndex((b) => b.offset === offset && !b.free);
    if (index < 0) throw new Error(`internal: free of unknown block ${offset}`);
    this.blocks[index].free = true;
    const next = this.blocks[index + 1];
    if (next?.free) {
      this.blocks[index].size += next.size;
      this.blocks.splice(index + 1, 1);
    }
    const previous = this.blocks[index - 1];
    if (previous?.free) {
      previous.size += this.blocks[index].size;
      this.blocks.splice(index, 1);
    }
  }

  /** Bytes of linear memory in use by the process for this arena. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  private grow(size: number, what: string): number {
    const tail = this.blocks[this.blocks.length - 1];
    const end = tail.offset + tail.size;
    const reusable = tail.free ? tail.size : 0;
    const pages = Math.ceil((size - reusable) / PAGE);
    if (end + pages * PAGE > MAX_NETWORK_BYTES) {
      throw new ValueError(`${what} needs ${formatBytes(size)}, more than fits in WebAssembly memory (4 GiB in all, ${formatBytes(end - reusable)} already used)`);
    }
    try {
      this.memory.grow(pages);
    } catch {
      throw new ValueError(`${what} needs ${formatBytes(size)}: the engine refused to grow WebAssembly memory to ${formatBytes(end + pages * PAGE)}`);
    }
    this.generation++;
    if (tail.free) {
      tail.size += pages * PAGE;
      return this.blocks.length - 1;
    }
    this.blocks.push({ offset: end, size: pages * PAGE, free: true });
    return this.blocks.length - 1;
  }
}
