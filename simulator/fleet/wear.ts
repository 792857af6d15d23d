import type { Dtc } from '../../twins/telemetry/schema';
import type { Rng } from '../world/random';

export const components = ['engine', 'battery', 'brakes', 'tyres', 'cooling'] as const;
export type Component = (typeof components)[number];

/**
 * What wears each component, how long it lasts, what it drifts and the DTC it raises before it
 * fails. P-codes are SAE J2012 generic codes; brake-pad and tyre-pressure codes are maker-specific
 * in real vehicles, so C0500 / C0750 are this simulator's choice in the chassis range.
 */
export const componentSpecs: Record<Component, { usage: string; lifeUnits: number; typicalPerHour: number; dtc: string; meaning: string }> = {
  engine: { usage: 'load-weighted engine hours', lifeUnits: 9000, typicalPerHour: 0.6, dtc: 'P0300', meaning: 'random/multiple cylinder misfire (oil pressure falls, idle roughens)' },
  battery: { usage: 'hours of age', lifeUnits: 4 * 8760, typicalPerHour: 1, dtc: 'P0562', meaning: 'system voltage low (resting and charging voltage fall)' },
  brakes: { usage: 'MJ of braking', lifeUnits: 60_000, typicalPerHour: 25, dtc: 'C0500', meaning: 'brake pad wear limit (simulator code)' },
  tyres: { usage: 'km driven', lifeUnits: 70_000, typicalPerHour: 20, dtc: 'C0750', meaning: 'tyre pressure low, slow leak (simulator code)' },
  cooling: { usage: 'engine hours', lifeUnits: 9000, typicalPerHour: 0.8, dtc: 'P0217', meaning: 'engine coolant over temperature' },
};

/** Below this health the component's DTC is active. */
export const DTC_HEALTH = 0.15;
/** Below this health sensor values start to drift. */
const DRIFT_HEALTH = 0.5;

export interface WearOptions {
  /** Share of vehicles with one component failing early (a defect). */
  defectShare: number;
  /** Hours of typical use from the start until a defective component fails, [min, max]. */
  defectHours: readonly [number, number];
  /** Multiplies a component's wear (a harsh winter ages batteries faster); default 1. */
  rateFactor?: Partial<Record<Component, number>>;
}

export const defaultWear: WearOptions = { defectShare: 0.1, defectHours: [4, 72] };

export interface ComponentState {
  /** 1 new, 0 failed. Hidden: only its effects are observable. */
  health: number;
  /** Health lost per usage unit. */
  rate: number;
}

export type WearState = Record<Component, ComponentState>;

/**
 * A fleet of mixed age: each component starts part-worn; a defective one starts at 35-80 % and
 * wears so as to fail within `defectHours` of typical use.
 */
export function createWear(rng: Rng, options: WearOptions): WearState {
  const state = {} as WearState;
  for (const c of components) {
    state[c] = { health: rng.float(0.55, 1), rate: 1 / componentSpecs[c].lifeUnits };
  }
  if (rng.chance(options.defectShare)) {
    const c = rng.pick(components);
    const health = rng.float(0.35, 0.8);
    const hours = rng.float(options.defectHours[0], options.defectHours[1]);
    state[c] = { health, rate: health / (hours * componentSpecs[c].typicalPerHour) };
  }
  return state;
}

/** A replaced component: new, wearing at the normal rate. */
export function renew(component: Component): ComponentState {
  return { health: 1, rate: 1 / componentSpecs[component].lifeUnits };
}

/** How far a component's sensors have drifted: 0 while healthy, 1 at failure. */
export function drift(state: ComponentState): number {
  return Math.max(0, Math.min(1, (DRIFT_HEALTH - state.health) / DRIFT_HEALTH));
}

export function activeDtcs(wear: WearState): Dtc[] {
  return components.filter((c) => wear[c].health < DTC_HEALTH).map((c) => ({ system: 'obd2' as const, code: componentSpecs[c].dtc }));
}

/** Ground truth for the failure model: what really happened to a component, and when. */
export interface GroundTruthEvent {
  atMs: number;
  vehicleId: string;
  component: Component;
  event: 'dtc_on' | 'failure' | 'repaired';
  dtc: string;
  odometerKm: number;
  engineHours: number;
}
