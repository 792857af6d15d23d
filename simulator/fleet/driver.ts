import type { Rng } from '../world/random';

/** Standard gravity: harsh-event thresholds are stated in g, as telematics vendors do. */
export const G = 9.80665;

/** Thresholds of typical tracker eco-driving settings (acceleration, braking, cornering). */
export const harshThresholdG = { acceleration: 0.3, braking: 0.4, cornering: 0.35 } as const;

/**
 * How a driver drives, from calm (aggression 0) to aggressive (1): cruise speed relative to the
 * limit, launches, braking and cornering. The means sit below the harsh thresholds for calm
 * drivers and near them for aggressive ones, so harsh events come from the spread.
 */
export interface DriverProfile {
  aggression: number;
  /** Cruise speed as a share of the speed limit. */
  speedFactor: number;
  /** Normal acceleration, m/s². */
  accelMps2: number;
  /** Chance that a start from standstill is a hard launch. */
  hardLaunchChance: number;
  brakeMeanMps2: number;
  brakeSdMps2: number;
  cornerMeanMps2: number;
  cornerSdMps2: number;
}

/** How a fleet's drivers are drawn; what-if scenarios vary it. */
export interface DriverOptions {
  /** Multiplies every driver's aggression (capped at 1): > 1 a rougher crew, < 1 a calmer one. */
  aggressionScale: number;
}

export const defaultDrivers: DriverOptions = { aggressionScale: 1 };

export function createDriver(rng: Rng, options: DriverOptions = defaultDrivers): DriverProfile {
  // Skewed towards calm: most drivers are, a few are not.
  const aggression = Math.min(1, rng.next() ** 1.6 * options.aggressionScale);
  return {
    aggression,
    speedFactor: Math.min(1.07, 0.88 + 0.17 * aggression + rng.gauss(0, 0.015)),
    accelMps2: 1.0 + 1.2 * aggression,
    hardLaunchChance: 0.002 + 0.08 * aggression ** 2,
    brakeMeanMps2: 1.5 + 1.3 * aggression,
    brakeSdMps2: 0.25 + 0.3 * aggression,
    cornerMeanMps2: 1.3 + 1.0 * aggression,
    cornerSdMps2: 0.15 + 0.25 * aggression,
  };
}

/** One braking episode's deceleration (the driver brakes this hard until stopped or slowed). */
export function drawBrakeDecel(driver: DriverProfile, rng: Rng): number {
  return clamp(rng.gauss(driver.brakeMeanMps2, driver.brakeSdMps2), 1.0, 7.5);
}

/** The lateral acceleration a driver takes one corner with. */
export function drawCornerAccel(driver: DriverProfile, rng: Rng): number {
  return clamp(rng.gauss(driver.cornerMeanMps2, driver.cornerSdMps2), 1.0, 6.0);
}

export function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}
