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
    readonly origin?: { gpu: GPU; adapter: GPUAdapter },
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
    if (typeof data !== 'number' && length > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return buffer;
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
    const staging = this.device.createBuffer({ size: Math.max(4, length * 4), usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.submit((encoder) => encoder.copyBufferToBuffer(buffer, 0, staging, 0, Math.max(4, length * 4)));
    await staging.mapAsync(MAP_READ);
    const out = new Float32Array(staging.getMappedRange().slice(0, length * 4));
    staging.unmap();
    staging.destroy();
    return out;
  }
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
