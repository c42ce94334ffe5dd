import { DivergenceError, type Divergence } from '../core/errors.js';
import type { ParameterLayout } from '../model/layout.js';
import { FailureCause } from '../kernels/kernel-interface.js';

/** Why a training step was not applied: the loss was non-finite, or a gradient or the update was (the kernels' codes). */
export { FailureCause } from '../kernels/kernel-interface.js';

/** Per-layer finiteness checks an engine answers with its own kernels, for the failed batch. */
export interface FiniteProbe {
  activationsFinite(layer: number): boolean;
  gradientFinite(layer: number): boolean;
  updateFinite(layer: number): boolean;
}

/**
 * The first place a non-finite value appeared, in the order the step computes: activations
 * layer by layer forward, then the loss, then gradients from the last layer back, then the update.
 */
export function locate(cause: FailureCause, layers: number, probe: FiniteProbe): Pick<Divergence, 'layer' | 'phase'> {
  if (cause === FailureCause.Loss) {
    for (let l = 0; l < layers; l++) if (!probe.activationsFinite(l)) return { layer: l, phase: 'forward' };
    return { layer: layers - 1, phase: 'loss' };
  }
  for (let l = layers - 1; l >= 0; l--) if (!probe.gradientFinite(l)) return { layer: l, phase: 'backward' };
  for (let l = 0; l < layers; l++) if (!probe.updateFinite(l)) return { layer: l, phase: 'update' };
  throw new Error('internal: a step was refused but every value is finite');
}

function detail(phase: Divergence['phase'], where: string): string {
  switch (phase) {
    case 'forward': return `the activations of ${where} became non-finite in the forward pass`;
    case 'loss': return `the loss became non-finite (the outputs of ${where} were finite)`;
    case 'backward': return `the gradient of ${where} became non-finite`;
    case 'update': return `the update θ − η·∇θ of ${where} overflowed`;
  }
}

/** The error thrown (or, with onDivergence 'stop', the message reported) when training diverges. */
export function divergenceError(fn: string, divergence: Divergence, layout: ParameterLayout, learningRate: number): DivergenceError {
  const { epoch, step, layer, phase } = divergence;
  const at = epoch === undefined ? 'this step' : `epoch ${epoch}, step ${step} of the epoch`;
  const shape = layout.layers[layer];
  const where = `layer ${layer} (${shape.inputs}→${shape.outputs}, ${shape.activation})`;
  return new DivergenceError(
    `${fn}: training diverged at ${at}: ${detail(phase, where)}. ` +
    `The step was not applied: the parameters are those before it, all finite. Try a smaller learning rate than ${learningRate}, or scale the data.`,
    divergence,
  );
}
