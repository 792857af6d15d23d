import { createRandom } from '../world/random';
import { vehicleId } from './vehicle-id';
import type { World } from '../world/world';
import { defaultDrivers, type DriverOptions } from './driver';
import { defaultShift, type ShiftOptions } from './shift';
import { Vehicle, type RepairShop } from './vehicle';
import { defaultWear, type GroundTruthEvent, type WearOptions } from './wear';

export interface FleetOptions {
  vehicles: number;
  /** Number of the first vehicle (default 1): lets several simulators share one big fleet. */
  firstVehicle?: number;
  seed: string | number;
  /** Epoch ms the fleet's clock starts at. */
  startMs: number;
  shift?: Partial<ShiftOptions>;
  wear?: Partial<WearOptions>;
  drivers?: Partial<DriverOptions>;
  /** Index into the world's depots of vehicle number n; default: vehicles spread round-robin. */
  depotOf?: (vehicleNumber: number) => number;
  /** Where broken-down vehicles get repaired; default: on the spot after `shift.repairS`. */
  repairShop?: RepairShop;
  /** Degrees added to the outside temperature all day (season, weather). */
  ambientOffsetC?: number;
  /** Called with each ground-truth event as it happens (also kept in `groundTruth`). */
  onGroundTruth?: (event: GroundTruthEvent) => void;
}


/** Vehicle.step's SubStepListener for a whole fleet: each call names the van by its index. */
export interface FleetSubStepListener {
  reached(vehicleIndex: number, atMs: number): void;
  nextReadingMs(vehicleIndex: number): number;
  /** The van has taken its whole step (every van, in id order). */
  stepped?(vehicleIndex: number): void;
}

/**
 * All vehicles of a world on one clock. Pure: time only moves through `step`, randomness only
 * comes from the seed, so the same seed and the same steps give the same fleet.
 */
export class Fleet {
  readonly vehicles: Vehicle[];
  readonly groundTruth: GroundTruthEvent[] = [];
  private now: number;

  constructor(
    readonly world: World,
    options: FleetOptions,
  ) {
    if (world.depots.length === 0) throw new Error('the world has no depots');
    const rng = createRandom(options.seed).fork('fleet');
    const ctx = {
      world,
      shift: { ...defaultShift, ...options.shift },
      wear: { ...defaultWear, ...options.wear },
      drivers: { ...defaultDrivers, ...options.drivers },
      ambientOffsetC: options.ambientOffsetC ?? 0,
      ...(options.repairShop ? { repairShop: options.repairShop } : {}),
      record: (event: GroundTruthEvent) => {
        this.groundTruth.push(event);
        options.onGroundTruth?.(event);
      },
    };
    this.now = options.startMs;
    const first = options.firstVehicle ?? 1;
    if (!Number.isSafeInteger(first) || first < 1) throw new RangeError('the first vehicle number must be a positive integer');
    this.vehicles = Array.from({ length: options.vehicles }, (_, i) => {
      const id = vehicleId(first + i);
      // Depot and randomness follow the id, so vehicle V00042 is the same in any slice of the fleet.
      const depot = options.depotOf ? options.depotOf(first + i) : (first + i - 1) % world.depots.length;
      if (!world.depots[depot]) throw new RangeError(`vehicle ${id}: the world has no depot ${depot}`);
      return new Vehicle(id, world.depots[depot].id, rng.fork(id), options.startMs, ctx);
    });
  }

  get timeMs(): number {
    return this.now;
  }

  /**
   * Advances every vehicle by `dtMs`, in id order. `subSteps` hears of each sub-step of a van
   * integrated in sub-steps (Vehicle.substeps), with the van's index and the time it reached, and
   * of each van's whole step; it says when each van's devices next read it.
   */
  step(dtMs: number, subSteps?: FleetSubStepListener): void {
    if (!(dtMs > 0)) throw new RangeError(`step must be positive, got ${dtMs}`);
    this.now += dtMs;
    const dtS = dtMs / 1000;
    this.vehicles.forEach((v, i) => {
      v.step(
        this.now,
        dtS,
        subSteps && v.substeps(dtS) ? { reached: (atMs) => subSteps.reached(i, atMs), nextReadingMs: () => subSteps.nextReadingMs(i) } : undefined,
      );
      subSteps?.stepped?.(i);
    });
  }
}
