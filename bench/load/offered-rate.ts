import { Simulation } from '../../simulator/simulation';
import { createRandom } from '../../simulator/world/random';
import { createWorld } from '../../simulator/world/world';
import { slowestRate, SUSTAINED_S } from './slowest-rate';

export interface OfferedRateOptions {
  /** Readings per second the whole fleet is to send in the window's slowest half minute. */
  offeredPerS: number;
  vehicles: number;
  devicesPerVehicle: number;
  firstVehicle: number;
  seed: string;
  /** `fleet sim --shift-start-within`. */
  shiftStartWithinS: number;
  /** `fleet sim --on-shift-for`. */
  onShiftForS: number;
  /** Seconds from the simulator's start to the measured window (connecting, warm-up). */
  windowStartS: number;
  /** The measured window, seconds. */
  windowS: number;
}

/** Vans dry-run: a slice of the fleet stands for all of it, as each van's life depends on its id alone. */
const SAMPLE_VEHICLES = 500;
/** The dry run counts readings this often, as bench:load samples the live run. */
const SAMPLE_EVERY_S = 5;

export interface OfferedRate {
  /** `fleet sim --rate` that gives `offeredPerS`. */
  rate: number;
  /** Readings per device-second of the dry run at ×1, in its slowest half minute. */
  perDeviceSAtRate1: number;
}

/**
 * The sampling speed-up at which the simulated fleet sends `offeredPerS`, found by running a
 * slice of the same fleet (same seed, world and shift start) off-line over the run's horizon.
 * A constant readings-per-device figure cannot do: how often devices report depends on what the
 * vans are doing (driving, idling at a stop, parked), and that changes through a shift.
 */
export function rateForOffered(options: OfferedRateOptions): OfferedRate {
  const vehicles = Math.min(options.vehicles, SAMPLE_VEHICLES);
  // The world `fleet sim` builds by default from the same seed.
  const world = createWorld(createRandom(options.seed).fork('world'), { kind: 'monaco' });
  const perDeviceSAt = (rate: number): number => {
    const startMs = Date.now();
    const sim = new Simulation({
      world,
      vehicles,
      firstVehicle: options.firstVehicle,
      devicesPerVehicle: options.devicesPerVehicle,
      seed: options.seed,
      startMs: startMs - options.onShiftForS * 1000,
      devicesOnMs: startMs,
      rate,
      shift: { firstShiftWithinS: options.shiftStartWithinS },
    });
    const windowStartMs = startMs + options.windowStartS * 1000;
    sim.advanceTo(windowStartMs, () => {});
    // Judged as the live run is: the slowest half minute, for the fleet's pace drifts through a shift.
    let readings = 0;
    const counts = [{ atS: 0, count: 0 }];
    for (let atS = SAMPLE_EVERY_S; atS <= options.windowS; atS += SAMPLE_EVERY_S) {
      sim.advanceTo(windowStartMs + atS * 1000, () => readings++);
      counts.push({ atS, count: readings });
    }
    return slowestRate(counts, Math.min(SUSTAINED_S, options.windowS)) / sim.devices.length;
  };
  const devices = options.vehicles * options.devicesPerVehicle;
  // Reports scale with the rate but for those a change triggers: one correction settles it.
  const perDeviceSAtRate1 = perDeviceSAt(1);
  const guess = options.offeredPerS / (devices * perDeviceSAtRate1);
  const rate = guess * (options.offeredPerS / (devices * perDeviceSAt(guess)));
  return { rate: Math.round(rate * 100) / 100, perDeviceSAtRate1 };
}
