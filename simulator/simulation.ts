import { deviceCatalogue } from './devices/catalogue';
import { jsonCodec } from './devices/codec';
import { Device, type DeviceMessage } from './devices/device';
import { Fleet, type FleetOptions } from './fleet/fleet';
import { createRandom } from './world/random';
import type { World } from './world/world';

export interface SimulationOptions extends Omit<FleetOptions, 'vehicles'> {
  world: World;
  vehicles: number;
  /** 1-4: the first n of GPS tracker, OBD-II dongle, cargo thermometer, tyre monitor. */
  devicesPerVehicle: number;
  /** Device sampling speed-up for load tests (periods divided by it); the world runs at 1×. */
  rate?: number;
  /** Physics step, ms: readings report the state at the step they fall in. */
  stepMs?: number;
  /** Every device's first sequence number. */
  seqStart?: number;
}

export const DEFAULT_STEP_MS = 200;

interface Due {
  ts: number;
  index: number;
  message: DeviceMessage;
}

/**
 * The fleet and its devices on an injected clock: `advanceTo(t)` steps the world in fixed steps
 * and hands over every reading due by t in time order (ties by device). Nothing here reads the
 * real clock, so a live run and a test with the same seed see the same messages, however the
 * caller slices time.
 */
export class Simulation {
  readonly fleet: Fleet;
  readonly devices: Device[];
  readonly stepMs: number;

  constructor(options: SimulationOptions) {
    const { world, devicesPerVehicle, rate = 1, stepMs = DEFAULT_STEP_MS, seqStart = 1, ...fleetOptions } = options;
    if (!Number.isInteger(devicesPerVehicle) || devicesPerVehicle < 1 || devicesPerVehicle > deviceCatalogue.length) {
      throw new RangeError(`devices per vehicle must be 1-${deviceCatalogue.length}`);
    }
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    if (!Number.isSafeInteger(seqStart) || seqStart < 0) throw new RangeError('seqStart must be a safe non-negative integer');
    this.stepMs = stepMs;
    this.fleet = new Fleet(world, fleetOptions);
    const rng = createRandom(options.seed).fork('devices');
    this.devices = this.fleet.vehicles.flatMap((vehicle) =>
      deviceCatalogue.slice(0, devicesPerVehicle).map(
        (model) =>
          new Device(vehicle, {
            model,
            codec: jsonCodec,
            rng: rng.fork(`${vehicle.id}-${model.kind}`),
            startMs: options.startMs,
            seqStart,
            rate,
          }),
      ),
    );
  }

  get timeMs(): number {
    return this.fleet.timeMs;
  }

  /** Moves the world to `tMs` and emits every reading due up to and including it. */
  advanceTo(tMs: number, emit: (message: DeviceMessage) => void): void {
    for (;;) {
      const stepEnd = this.fleet.timeMs + this.stepMs;
      const due: Due[] = [];
      this.devices.forEach((device, index) => {
        while (device.nextDueMs <= tMs && device.nextDueMs < stepEnd) {
          due.push({ ts: device.nextDueMs, index, message: device.sample() });
        }
      });
      due.sort((a, b) => a.ts - b.ts || a.index - b.index);
      for (const d of due) emit(d.message);
      if (stepEnd > tMs) return;
      this.fleet.step(this.stepMs);
      for (const device of this.devices) device.noticeChanges(this.fleet.timeMs);
    }
  }
}
