// fit's counters: the part of a network's state that the training loop, not the engine, keeps.
import type { PlateauState } from '../training/schedules.js';

/** Training progress that outlives a `fit` call and goes into checkpoints. */
export interface TrainingState {
  /** Epochs trained over the network's life: schedules are evaluated at this count. */
  epoch: number;
  /** Optimizer steps (batches) taken by fit over the network's life. */
  steps: number;
  /** State of the last fit's reduce-on-plateau schedule, if it had one. */
  plateau: PlateauState | null;
}

/** A network's counters before any training. */
export function newTrainingState(): TrainingState {
  return { epoch: 0, steps: 0, plateau: null };
}
