/// <reference types="@webgpu/types" />
// A GPU device with what every WebGPU kernel needs around it: pipelines compiled once per shader
// source, storage and uniform buffers, one dispatch helper, and the asynchronous read-back.

// The WebGPU spec's flag values, written out: Dawn for Node does not install the GPUBufferUsage
// and GPUMapMode globals unless asked, and the library must not depend on globals it did not set.
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;

/** Workgroup counts along x and y. */
export type Workgroups = readonly [number, number?];

/** A device and the adapter it came from, with the pipeline cache of its kernels. */
export class GpuContext {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Uniform buffers of the work being recorded, destroyed once it is submitted (the queue keeps them until it has run). */
  private readonly transient: GPUBuffer[] = [];

  constructor(
    readonly device: GPUDevice,
    /** The adapter's identity (vendor, architecture, description), for reports and tests. */
    readonly adapterInfo: GPUAdapterInfo,
    /**
     * The GPU and adapter the device came from, held so they live as long as the device: Dawn for
     * Node frees its instance when the GPU object is collected, and a device still running then
     * crashes the process.
     */
    readonly origin?: { gpu?: GPU; adapter: GPUAdapter },
  ) {}

  /** The compute pipeline of a WGSL source with entry point `main`, compiled on first use. */
  pipeline(source: string): GPUComputePipeline {
    let pipeline = this.pipelines.get(source);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: source });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(source, pipeline);
    }
    return pipeline;
  }

  /** A float32 storage buffer holding `data`, or `length` zeros. */
  storage(data: Float32Array | number): GPUBuffer {
    const length = typeof data === 'number' ? data : data.length;
    // WebGPU rejects zero-sized bindings; a 4-byte minimum keeps empty tensors legal.
    const buffer = this.device.createBuffer({
      size: Math.max(4, length * 4),
      usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
    });
    if (typeof data !== 'number') this.write(buffer, data);
    return buffer;
  }

  /** Overwrites the start of a storage buffer with `data` (queued before the next submission's work). */
  write(buffer: GPUBuffer, data: Float32Array): void {
    if (data.length > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /** A uniform buffer holding `words` (a 16-byte multiple, as WGSL's uniform layout wants), freed after the next submit. */
  uniform(words: ArrayBuffer): GPUBuffer {
    const size = Math.ceil(words.byteLength / 16) * 16;
    const buffer = this.device.createBuffer({ size, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, words);
    this.transient.push(buffer);
    return buffer;
  }

  /** Records one dispatch of `source` with buffers[i] at binding i (holes are skipped). */
  dispatch(encoder: GPUCommandEncoder, source: string, buffers: readonly (GPUBuffer | undefined)[], [x, y = 1]: Workgroups): void {
    const pipeline = this.pipeline(source);
    const entries: GPUBindGroupEntry[] = [];
    buffers.forEach((buffer, binding) => {
      if (buffer) entries.push({ binding, resource: { buffer } });
    });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /** Submits what `record` encodes as one command buffer. */
  submit(record: (encoder: GPUCommandEncoder) => void): void {
    const encoder = this.device.createCommandEncoder();
    record(encoder);
    this.device.queue.submit([encoder.finish()]);
    for (const buffer of this.transient.splice(0)) buffer.destroy();
  }

  /** The first `length` floats of a storage buffer, after all submitted work. */
  async read(buffer: GPUBuffer, length: number): Promise<Float32Array> {
    return (await this.readMany([{ buffer, length }]))[0];
  }

  /**
   * The first `length` floats of each buffer, after all submitted work, through one staging
   * buffer and one mapping (a mapping is a round trip to the GPU: one per read-back, not per tensor).
   */
  async readMany(parts: readonly { buffer: GPUBuffer; length: number }[]): Promise<Float32Array[]> {
    const offsets: number[] = [];
    let size = 0;
    for (const { length } of parts) {
      offsets.push(size);
      size += length * 4;
    }
    const staging = this.device.createBuffer({ size: Math.max(4, size), usage: USAGE.MAP_READ | USAGE.COPY_DST });
    try {
      this.submit((encoder) => parts.forEach(({ buffer, length }, k) => {
        if (length > 0) encoder.copyBufferToBuffer(buffer, 0, staging, offsets[k], length * 4);
      }));
      await staging.mapAsync(MAP_READ);
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      return parts.map(({ length }, k) => new Float32Array(bytes, offsets[k], length));
    } finally {
      staging.destroy();
    }
  }

  /** A u32 storage buffer holding `data` (sample orders). */
  indices(data: Uint32Array): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.max(4, data.byteLength), usage: USAGE.STORAGE | USAGE.COPY_DST });
    if (data.length > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /**
   * Runs `allocate` inside out-of-memory and validation error scopes and resolves to what it
   * made, or to the first error a scope caught (a buffer beyond the device's memory or limits),
   * after `release` has freed what was made.
   */
  async allocating<T>(allocate: () => T, release: (made: T) => void): Promise<{ made: T } | { error: GPUError }> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let made: T | undefined;
    let thrown: unknown = null;
    try {
      made = allocate();
    } catch (error) {
      thrown = error;
    }
    // Scopes pop in reverse order of their push.
    const validation = await this.device.popErrorScope();
    const memory = await this.device.popErrorScope();
    if (thrown !== null) throw thrown;
    const error = memory ?? validation;
    if (!error) return { made: made as T };
    release(made as T);
    return { error };
  }
}

/** Threads per workgroup of the one-thread-per-element kernels. */
export const ELEMENT_WORKGROUP = 64;
/** WebGPU's guaranteed limit on workgroups along one dimension (maxComputeWorkgroupsPerDimension). */
const MAX_GROUPS = 65535;

/**
 * The entry point's parameters and flat index of a one-thread-per-element kernel: the workgroups
 * wrap into rows of at most 65,535, so a tensor of more than 4 M elements (a 2048×2048 layer) fits
 * WebGPU's per-dimension dispatch limit.
 */
export const ELEMENT_ENTRY = {
  parameters: '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>',
  index: `gid.x + gid.y * groups.x * ${ELEMENT_WORKGROUP}u`,
} as const;

/** Workgroups (x, y) covering `count` elements of an ELEMENT_ENTRY kernel. */
export function elementWorkgroups(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / ELEMENT_WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS);
  return [x, Math.ceil(groups / x)];
}

/** Packs u32 words and f32 values, in order, for a uniform buffer. */
export function uniformWords(values: readonly ({ u32: number } | { f32: number })[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((values.length * 4) / 16) * 16));
  const view = new DataView(bytes);
  values.forEach((value, i) => {
    if ('u32' in value) view.setUint32(i * 4, value.u32, true);
    else view.setFloat32(i * 4, value.f32, true);
  });
  return bytes;
}
