/**
 * How often each real-world fault happens. Rates per reading are probabilities; rates per device
 * are the share of devices affected; windows (coverage gaps, silences) arrive as a Poisson
 * process per device in simulated time, so a run is deterministic for a seed.
 */
export interface FaultRates {
  /** Share of readings sent twice (a QoS 1 resend the device made on its own). */
  duplicateRate: number;
  /** Share of readings whose payload goes out corrupted (truncated, bad version, bad CRC). */
  malformedRate: number;
  /** Share of devices whose clock is off, by up to ±maxSkewS. */
  skewShare: number;
  maxSkewS: number;
  /** Coverage gaps per device-hour: the device stores readings and replays them on reconnect. */
  gapsPerHour: number;
  /** Shortest and longest coverage gap, seconds. */
  gapS: readonly [number, number];
  /** Silences per device-hour: the device is off and takes no readings at all. */
  silencesPerHour: number;
  silenceS: readonly [number, number];
  /** Seconds between reconnect storms (every connection of the simulator dropped at once); 0: never. */
  stormEveryS: number;
}

export const noFaults: FaultRates = {
  duplicateRate: 0,
  malformedRate: 0,
  skewShare: 0,
  maxSkewS: 90,
  gapsPerHour: 0,
  gapS: [20, 180],
  silencesPerHour: 0,
  silenceS: [60, 600],
  stormEveryS: 0,
};

export function hasDeviceFaults(rates: FaultRates): boolean {
  return rates.duplicateRate > 0 || rates.malformedRate > 0 || rates.skewShare > 0 || rates.gapsPerHour > 0 || rates.silencesPerHour > 0;
}
