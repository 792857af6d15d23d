import type { Rng } from '../world/random';

/** How a working day looks: stops per shift, time at a stop, rest between shifts, repairs. */
export interface ShiftOptions {
  stopsPerShift: readonly [number, number];
  /** Seconds at a delivery stop, engine idling. */
  dwellS: readonly [number, number];
  /** Seconds parked at the depot between shifts, engine off. */
  restS: readonly [number, number];
  /** The first shift of each vehicle starts within this many seconds of the start. */
  firstShiftWithinS: number;
  /** Seconds a broken-down vehicle waits for the repair. */
  repairS: number;
  /** Refuel at the depot when the tank is below this share. */
  refuelBelow: number;
}

export const defaultShift: ShiftOptions = {
  stopsPerShift: [5, 12],
  dwellS: [60, 420],
  restS: [20 * 60, 60 * 60],
  firstShiftWithinS: 60,
  repairS: 3 * 3600,
  refuelBelow: 0.35,
};

/** Delivery stops for one shift: distinct consecutive nodes, none at the depot itself. */
export function pickStops(rng: Rng, candidates: readonly number[], depot: number, options: ShiftOptions): number[] {
  const count = rng.int(options.stopsPerShift[0], options.stopsPerShift[1]);
  const stops: number[] = [];
  while (stops.length < count) {
    const node = rng.pick(candidates);
    if (node !== depot && node !== stops[stops.length - 1]) stops.push(node);
  }
  return stops;
}

/** Door open while unloading: from 15 s after arrival to 15 s before leaving (long stops only). */
export function doorWindow(arriveMs: number, leaveMs: number): { fromMs: number; toMs: number } | undefined {
  return leaveMs - arriveMs >= 60_000 ? { fromMs: arriveMs + 15_000, toMs: leaveMs - 15_000 } : undefined;
}
