import { obd2DeviceCodec } from '../twins/adapters/obd2/encode';
import { teltonikaDeviceCodec } from '../twins/adapters/teltonika/device-codec';
import { deviceCatalogue } from './devices/catalogue';
import { jsonCodec, type DeviceCodec } from './devices/codec';
import { Device, type DeviceMessage } from './devices/device';
import type { DeviceModel } from './devices/model';
import { DeviceFaults } from './faults/device-faults';
import { hasDeviceFaults, type FaultRates } from './faults/fault-rates';
import { Fleet, type FleetOptions } from './fleet/fleet';
import type { Rng } from './world/random';
import { createRandom } from './world/random';
import type { World } from './world/world';

export interface SimulationOptions extends Omit<FleetOptions, 'vehicles'> {
  world: World;
  vehicles: number;
  /** 1-4: the first n of GPS tracker, OBD-II dongle, cargo thermometer, tyre monitor. */
  devicesPerVehicle: number;
  /** Device sampling speed-up for load tests (periods divided by it); the world runs at 1×. */
  rate?: number;
  /** Physics step, ms: readings report the state at the step they fall in (default: `defaultStepMs`). */
  stepMs?: number;
  /** Every device's first sequence number. */
  seqStart?: number;
  /** Share of GPS trackers speaking Teltonika Codec 8 Extended instead of reference JSON. */
  teltonikaShare?: number;
  /** Share of OBD-II dongles sending raw ECU responses (obd2 format) instead of reference JSON. */
  obd2Share?: number;
  faults?: FaultRates;
  /**
   * false: readings carry their body and no encoded payload (`NO_PAYLOAD`). A what-if run hands
   * the body to the twins as the ingress would, and encoding every reading cost it a tenth of its time.
   */
  payloads?: boolean;
  /**
   * When the devices are switched on (default: `startMs`). Later than `startMs`, the world runs
   * from `startMs` without readings until then: a fleet already on shift when the simulator starts.
   * null: off until `switchDevicesOn`.
   */
  devicesOnMs?: number | null;
}

/** Teltonika records carry no sequence number: the platform keys a reading by its record time. */
const teltonikaCodec: DeviceCodec = { ...teltonikaDeviceCodec, platformSeq: (message) => message.ts };

/** Which wire format a device speaks: a fixed share of each model, drawn per device from the seed. */
function codecFor(model: DeviceModel, rng: Rng, shares: { teltonika: number; obd2: number }): DeviceCodec {
  const draw = rng.next();
  if (model.kind === 'gps' && draw < shares.teltonika) return teltonikaCodec;
  if (model.kind === 'obd' && draw < shares.obd2) return obd2DeviceCodec;
  return jsonCodec;
}

/**
 * The world's step: the fastest device's sampling period at this rate, within 200 ms … 1 s. Each
 * reading of that device then sees the world moved on since its last one, and the world (most of
 * a simulator's CPU at fleet scale) takes no steps no reading looks at.
 */
export function defaultStepMs(models: readonly DeviceModel[], rate: number): number {
  const fastestMs = Math.min(...models.map((m) => m.activeMs)) / rate;
  return Math.round(Math.min(1000, Math.max(200, fastestMs)));
}

interface Due {
  ts: number;
  index: number;
  message: DeviceMessage;
}

/** Readings in time order, ties by device. */
function emitInOrder(due: Due[], emit: (message: DeviceMessage) => void): void {
  due.sort((a, b) => a.ts - b.ts || a.index - b.index);
  for (const d of due) emit(d.message);
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
  private readonly devicesPerVehicle: number;

  constructor(options: SimulationOptions) {
    const { world, devicesPerVehicle, rate = 1, stepMs, seqStart = 1, teltonikaShare = 0, obd2Share = 0, faults, payloads = true, ...fleetOptions } = options;
    if (!Number.isInteger(devicesPerVehicle) || devicesPerVehicle < 1 || devicesPerVehicle > deviceCatalogue.length) {
      throw new RangeError(`devices per vehicle must be 1-${deviceCatalogue.length}`);
    }
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    if (!Number.isSafeInteger(seqStart) || seqStart < 0) throw new RangeError('seqStart must be a safe non-negative integer');
    for (const [name, share] of [['teltonikaShare', teltonikaShare], ['obd2Share', obd2Share]] as const) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`${name} must be within 0..1`);
    }
    const models = deviceCatalogue.slice(0, devicesPerVehicle);
    this.stepMs = stepMs ?? defaultStepMs(models, rate);
    this.devicesPerVehicle = models.length;
    this.fleet = new Fleet(world, fleetOptions);
    const root = createRandom(options.seed);
    const rng = root.fork('devices');
    // Separate streams, so formats and faults never change what a device reads.
    const formats = root.fork('formats');
    const faultRng = root.fork('faults');
    const withFaults = faults && hasDeviceFaults(faults) ? faults : undefined;
    this.devices = this.fleet.vehicles.flatMap((vehicle) =>
      models.map((model) => {
        const id = `${vehicle.id}-${model.kind}`;
        return new Device(vehicle, {
          model,
          codec: codecFor(model, formats.fork(id), { teltonika: teltonikaShare, obd2: obd2Share }),
          rng: rng.fork(id),
          startMs: options.devicesOnMs === undefined ? options.startMs : options.devicesOnMs,
          seqStart,
          rate,
          payloads,
          ...(withFaults ? { faults: new DeviceFaults(withFaults, faultRng.fork(id)) } : {}),
        });
      }),
    );
  }

  get timeMs(): number {
    return this.fleet.timeMs;
  }

  /** Devices built off (`devicesOnMs: null`) take readings from `atMs` on. */
  switchDevicesOn(atMs: number): void {
    for (const device of this.devices) device.switchOn(atMs);
  }

  /**
   * Moves the world to `tMs` and emits every reading due up to and including it. A reading due
   * within a step reports the world at the step's start, except from a van integrated in
   * sub-steps (a what-if run's minute): it reports from the sub-step it falls in, as a live one
   * would, so a drive shorter than a step is still seen.
   */
  advanceTo(tMs: number, emit: (message: DeviceMessage) => void): void {
    this.advance(tMs, emit);
  }

  /**
   * As advanceTo, but each step's readings are handed over van by van (each van's in time order,
   * ties by device) as soon as the van has taken its step, and `vehicleDone` hears when a van's
   * readings of the step are all out. For a consumer whose twins are independent of one another
   * (a what-if run): it folds a reading while its van is still in the cache, instead of sorting a
   * fleet's readings by time and visiting the vans in that order.
   */
  advanceByVehicle(tMs: number, consumer: { reading(message: DeviceMessage): void; vehicleDone(vehicleIndex: number): void }): void {
    this.advance(tMs, (message) => consumer.reading(message), (v) => consumer.vehicleDone(v));
  }

  private advance(tMs: number, emit: (message: DeviceMessage) => void, vehicleDone?: (vehicleIndex: number) => void): void {
    const dtS = this.stepMs / 1000;
    const n = this.fleet.vehicles.length;
    // A van's readings of a step all come from one phase: before the step, or (integrated in sub-steps) during it.
    const subStepped = new Uint8Array(n);
    const handOver = (due: Due[], v: number): void => {
      emitInOrder(due, emit);
      due.length = 0;
      vehicleDone?.(v);
    };
    for (;;) {
      const stepEnd = this.fleet.timeMs + this.stepMs;
      const last = stepEnd > tMs;
      const due: Due[] = [];
      for (let v = 0; v < n; v++) {
        subStepped[v] = !last && this.fleet.vehicles[v]!.substeps(dtS) ? 1 : 0;
        if (subStepped[v]) continue;
        for (let index = v * this.devicesPerVehicle; index < (v + 1) * this.devicesPerVehicle; index++) this.sampleDue(index, tMs, stepEnd, due);
        if (vehicleDone) handOver(due, v);
      }
      emitInOrder(due, emit);
      if (last) return;
      const during: Due[] = [];
      this.fleet.step(this.stepMs, {
        reached: (v, atMs) => {
          for (let index = v * this.devicesPerVehicle; index < (v + 1) * this.devicesPerVehicle; index++) {
            this.devices[index]!.noticeChanges(atMs);
            this.sampleDue(index, Math.min(atMs, tMs), stepEnd, during);
          }
        },
        nextReadingMs: (v) => {
          let soonest = Infinity;
          for (let index = v * this.devicesPerVehicle; index < (v + 1) * this.devicesPerVehicle; index++) soonest = Math.min(soonest, this.devices[index]!.nextDueMs);
          return soonest;
        },
        ...(vehicleDone
          ? {
              stepped: (v: number) => {
                if (subStepped[v]) handOver(during, v);
              },
            }
          : {}),
      });
      emitInOrder(during, emit);
      for (const device of this.devices) device.noticeChanges(this.fleet.timeMs);
    }
  }

  /** Takes every reading of device `index` due by `untilMs` and before `beforeMs`. */
  private sampleDue(index: number, untilMs: number, beforeMs: number, due: Due[]): void {
    const device = this.devices[index]!;
    while (device.nextDueMs <= untilMs && device.nextDueMs < beforeMs) {
      const ts = device.nextDueMs;
      const message = device.sample();
      if (message) due.push({ ts, index, message });
    }
  }
}
