// fit's counters: the part of a network's state that the training loop, not the engine, keeps.

/** What a reduce-on-plateau schedule remembers between epochs (and checkpoints). */
export interface PlateauState {
  /** The current rate. */
  learningRate: number;
  /** Best monitored loss so far; Infinity before the first epoch. */
  best: number;
  /** Epochs in a row without an improvement. */
  badEpochs: number;
  /** Epochs left before counting bad epochs again, after a reduction. */
  cooldown: number;
}

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
