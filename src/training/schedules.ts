// Learning-rate schedules, stepped once per epoch by `fit`. Each closed form is the one
// torch.optim.lr_scheduler documents, evaluated at the network's epoch counter, so a run
// resumed from a checkpoint sees the same rates as one that never stopped.
import { ValueError, describe } from '../core/errors.js';
import type { PlateauState } from '../state/training-state.js';
import { checkInteger, checkNumber, checkOptions, checkChoice, checkKeys, keysOf } from '../core/validate.js';

/** η·γ^⌊epoch/stepSize⌋ (torch StepLR). */
export interface StepSchedule {
  type: 'step';
  /** Epochs between reductions. */ stepSize: number;
  /** Factor applied every stepSize epochs. Default 0.1, as torch. */ gamma?: number;
}
/** η·γ^epoch (torch ExponentialLR). */
export interface ExponentialSchedule {
  type: 'exponential';
  /** Factor applied every epoch. */ gamma: number;
}
/** ηmin + (η − ηmin)(1 + cos(π·epoch/tMax))/2 (torch CosineAnnealingLR, closed form). */
export interface CosineSchedule {
  type: 'cosine';
  /** Epochs from η down to etaMin (half a cosine period). */ tMax: number;
  /** The lowest rate. Default 0. */ etaMin?: number;
}
/** Multiplies η by `factor` when the monitored loss has not improved for `patience` epochs (torch ReduceLROnPlateau, mode 'min', threshold mode 'rel'). */
export interface PlateauSchedule {
  type: 'reduce-on-plateau';
  /** Default 10. */ patience?: number;
  /** Default 0.1. */ factor?: number;
  /** Relative improvement that counts: better when loss < best·(1 − threshold). Default 1e-4. */ threshold?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */ cooldown?: number;
  /** Floor of the rate. Default 0. */ minLr?: number;
  /** Loss watched. Default 'val_loss' when fit has validation data, else 'loss'. */ monitor?: 'val_loss' | 'loss';
}
/** Linear warmup from startFactor·η to η over `epochs` epochs (torch LinearLR), then `then` restarted at its epoch 0 (torch SequentialLR). */
export interface WarmupSchedule {
  type: 'warmup';
  /** Epochs of linear warmup. */ epochs: number;
  /** The first epoch's rate as a fraction of η. Default 1/3, as torch LinearLR. */ startFactor?: number;
  /** The schedule after warmup, counted from its own epoch 0. Default: η constant. */ then?: ScheduleSpec;
}
/** A schedule described by data: it can be saved in a checkpoint. */
export type ScheduleSpec = StepSchedule | ExponentialSchedule | CosineSchedule | PlateauSchedule | WarmupSchedule;
/** A schedule: a described one, or any function from the epoch (0-based) to the learning rate. */
export type Schedule = ScheduleSpec | ((epoch: number) => number);

const SCHEDULE_TYPES = ['step', 'exponential', 'cosine', 'reduce-on-plateau', 'warmup'] as const;
/** Each schedule type's keys, for the check that refuses unknown (misspelt) ones. */
const SCHEDULE_KEYS: Record<ScheduleSpec['type'], readonly string[]> = {
  step: keysOf<StepSchedule>({ type: true, stepSize: true, gamma: true }),
  exponential: keysOf<ExponentialSchedule>({ type: true, gamma: true }),
  cosine: keysOf<CosineSchedule>({ type: true, tMax: true, etaMin: true }),
  'reduce-on-plateau': keysOf<PlateauSchedule>({ type: true, patience: true, factor: true, threshold: true, cooldown: true, minLr: true, monitor: true }),
  warmup: keysOf<WarmupSchedule>({ type: true, epochs: true, startFactor: true, then: true }),
};
const ALL_SCHEDULE_KEYS = [...new Set(Object.values(SCHEDULE_KEYS).flat())];
/** torch's eps: a reduction smaller than this is ignored. */
const PLATEAU_EPS = 1e-8;

/** Checks a schedule completely and fills in torch's defaults. */
export function checkSchedule(fn: string, name: string, value: unknown): Schedule {
  if (typeof value === 'function') return value as (epoch: number) => number;
  const o = checkOptions(fn, name, value, false);
  if (!SCHEDULE_TYPES.includes(o.type as ScheduleSpec['type'])) checkKeys(fn, name, o, ALL_SCHEDULE_KEYS);
  const type = checkChoice(fn, `${name}.type`, o.type, SCHEDULE_TYPES);
  checkKeys(fn, name, o, SCHEDULE_KEYS[type], `a '${type}' schedule`);
  const num = (key: string, fallback: number | undefined, bounds: Parameters<typeof checkNumber>[3]) =>
    o[key] === undefined && fallback !== undefined ? fallback : checkNumber(fn, `${name}.${key}`, o[key], bounds);
  const int = (key: string, fallback: number | undefined, min: number) =>
    o[key] === undefined && fallback !== undefined ? fallback : checkInteger(fn, `${name}.${key}`, o[key], min);
  switch (type) {
    case 'step': return { type, stepSize: int('stepSize', undefined, 1), gamma: num('gamma', 0.1, { min: 0 }) };
    case 'exponential': return { type, gamma: num('gamma', undefined, { min: 0 }) };
    case 'cosine': return { type, tMax: int('tMax', undefined, 1), etaMin: num('etaMin', 0, { min: 0 }) };
    case 'reduce-on-plateau': return {
      type, patience: int('patience', 10, 0), factor: num('factor', 0.1, { min: 0, max: 1 }), threshold: num('threshold', 1e-4, { min: 0 }),
      cooldown: int('cooldown', 0, 0), minLr: num('minLr', 0, { min: 0 }),
      ...(o.monitor === undefined ? {} : { monitor: checkChoice(fn, `${name}.monitor`, o.monitor, ['val_loss', 'loss'] as const) }),
    };
    case 'warmup': {
      const startFactor = num('startFactor', 1 / 3, { min: 0, max: 1 });
      const then = o.then === undefined ? undefined : checkSchedule(fn, `${name}.then`, o.then);
      if (typeof then === 'function') throw new ValueError(`${fn}: ${name}.then must be a schedule object, got a function (wrap the warmup in your function instead)`);
      return { type, epochs: int('epochs', undefined, 1), startFactor, ...(then ? { then } : {}) };
    }
  }
}

/** The innermost reduce-on-plateau schedule, if any (warmup may wrap one). */
export function plateauOf(schedule: Schedule | undefined): PlateauSchedule | undefined {
  if (schedule === undefined || typeof schedule === 'function') return undefined;
  if (schedule.type === 'reduce-on-plateau') return schedule;
  return schedule.type === 'warmup' ? plateauOf(schedule.then) : undefined;
}

/**
 * A schedule bound to a base rate η (the optimizer's) and, for reduce-on-plateau, to its
 * state. `rate(epoch)` is the rate of that epoch; `observe` feeds the loss after it.
 */
export class LearningRateSchedule {
  private plateau: PlateauState | null;

  constructor(private readonly spec: Schedule | undefined, private readonly base: number, plateau: PlateauState | null = null) {
    this.plateau = plateauOf(spec) ? (plateau ? { ...plateau } : { learningRate: base, best: Infinity, badEpochs: 0, cooldown: 0 }) : null;
  }

  /** The learning rate of `epoch` (0-based, counted over the network's whole training). */
  rate(epoch: number): number {
    const spec = this.spec;
    if (spec === undefined) return this.base;
    if (typeof spec === 'function') return spec(epoch);
    return this.closedForm(spec, epoch);
  }

  /** After `epoch`: tells a reduce-on-plateau schedule the loss it monitors. */
  observe(epoch: number, loss: number): void {
    if (this.plateau && this.plateauActive(this.spec as ScheduleSpec, epoch)) stepPlateau(this.plateau, plateauOf(this.spec)!, loss);
  }

  /** Plateau state to save, or null for stateless schedules. */
  state(): PlateauState | null {
    return this.plateau ? { ...this.plateau } : null;
  }

  private closedForm(spec: ScheduleSpec, epoch: number): number {
    const base = this.base;
    switch (spec.type) {
      case 'step': return base * spec.gamma! ** Math.floor(epoch / spec.stepSize);
      case 'exponential': return base * spec.gamma ** epoch;
      case 'cosine': {
        const etaMin = spec.etaMin!;
        return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / spec.tMax))) / 2;
      }
      case 'reduce-on-plateau': return this.plateau!.learningRate;
      case 'warmup': {
        if (epoch < spec.epochs) return base * (spec.startFactor! + ((1 - spec.startFactor!) * epoch) / spec.epochs);
        return spec.then ? this.closedForm(spec.then, epoch - spec.epochs) : base;
      }
    }
  }

  /** Whether the plateau schedule sets this epoch's rate (not a warmup before it). */
  private plateauActive(spec: ScheduleSpec, epoch: number): boolean {
    if (spec.type === 'reduce-on-plateau') return true;
    return spec.type === 'warmup' && epoch >= spec.epochs && spec.then !== undefined && this.plateauActive(spec.then, epoch - spec.epochs);
  }
}

/** torch ReduceLROnPlateau.step for mode 'min', threshold mode 'rel'. */
function stepPlateau(state: PlateauState, spec: PlateauSchedule, loss: number): void {
  if (loss < state.best * (1 - spec.threshold!)) {
    state.best = loss;
    state.badEpochs = 0;
  } else {
    state.badEpochs++;
  }
  if (state.cooldown > 0) {
    state.cooldown--;
    state.badEpochs = 0;
  }
  if (state.badEpochs > spec.patience!) {
    const reduced = Math.max(state.learningRate * spec.factor!, spec.minLr!);
    if (state.learningRate - reduced > PLATEAU_EPS) state.learningRate = reduced;
    state.cooldown = spec.cooldown!;
    state.badEpochs = 0;
  }
}

/** Throws unless a rate a schedule produced is usable. */
export function checkRate(fn: string, epoch: number, rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    throw new ValueError(`${fn}: options.schedule returned ${describe(rate)} for epoch ${epoch}, expected a finite learning rate ≥ 0`);
  }
  return rate;
}
