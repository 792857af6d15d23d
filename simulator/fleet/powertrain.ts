import { clamp } from './driver';
import { G } from './driver';

/** A 3.5 t diesel delivery van: the constants of its road load and engine. */
export const van = {
  massKg: 2800,
  rollingResistance: 0.011,
  dragAreaM2: 0.95,
  airDensity: 1.2,
  tankL: 75,
  idleFuelLph: 1.0,
  /** Tank-to-wheel efficiency in stop-and-go: engine (~0.34 at part load) times driveline (~0.88). */
  efficiency: 0.3,
  dieselJPerL: 35.8e6,
  maxPowerW: 105_000,
  idleRpm: 760,
  /** km/h per 1000 rpm in gears 1-6. */
  gearKphPer1000: [7.5, 13, 20, 28, 36, 44],
} as const;

/** Power the wheels need to hold `accelMps2` at `speedMps` on the flat, W (negative: braking). */
export function wheelPowerW(speedMps: number, accelMps2: number): number {
  if (speedMps <= 0) return 0;
  const rolling = van.massKg * G * van.rollingResistance;
  const drag = 0.5 * van.airDensity * van.dragAreaM2 * speedMps * speedMps;
  return (van.massKg * accelMps2 + rolling + drag) * speedMps;
}

/** Fuel burnt per second, litres: idle flow plus the fuel for positive wheel power. */
export function fuelRateLps(engineOn: boolean, powerW: number): number {
  if (!engineOn) return 0;
  return van.idleFuelLph / 3600 + Math.max(0, powerW) / (van.efficiency * van.dieselJPerL);
}

/**
 * Engine speed: the gear that puts the engine nearest the driver's preferred rpm
 * (calm drivers short-shift, aggressive ones rev), never below idle.
 */
export function engineRpm(speedMps: number, aggression: number): number {
  const kph = speedMps * 3.6;
  if (kph < 3) return van.idleRpm;
  const preferred = 1700 + 1100 * aggression;
  let best: number = van.idleRpm;
  let bestGap = Infinity;
  for (const kphPer1000 of van.gearKphPer1000) {
    const rpm = (kph / kphPer1000) * 1000;
    if (rpm < 1100 && kphPer1000 !== van.gearKphPer1000[0]) continue;
    const gap = Math.abs(rpm - preferred);
    if (gap < bestGap) {
      bestGap = gap;
      best = rpm;
    }
  }
  return Math.max(van.idleRpm, Math.min(4200, best));
}

/** Engine load, % of what the engine can give at this rpm (idle draws ~15 %). */
export function engineLoadPct(powerW: number, rpm: number): number {
  const available = van.maxPowerW * clamp(rpm / 3600, 0.2, 1);
  return clamp(15 + (Math.max(0, powerW) / available) * 85, 0, 100);
}

/** Moves `value` towards `target` with time constant `tauS` over `dtS` (first-order lag). */
export function approach(value: number, target: number, dtS: number, tauS: number): number {
  return target + (value - target) * Math.exp(-dtS / tauS);
}
