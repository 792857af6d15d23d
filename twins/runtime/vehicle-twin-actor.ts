import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { GeofenceIndex } from '../geofences/geofence-index';
import type { Telemetry } from '../telemetry/schema';
import { deviceTwinMachine, type DeviceEmitted } from '../machines/device-twin';
import { copyDeviceContext, foldDeviceReadingInto, lastSeq, type DeviceContext } from '../machines/device-state';
import { seqRangesFrom } from '../machines/seq-ranges';
import type { SeqVerdict } from '../machines/seq-ranges';
import { vehicleTwinMachine, type MaintenanceEmitted, type MaintenanceState, type VehicleTwinContext } from '../machines/vehicle-twin';
import {
  connectivityOf,
  copyVehicleContext,
  foldReadingInto,
  motionOf,
  nextDeadline,
  type TwinTimings,
  type VehicleContext,
  type VehicleEmitted,
} from '../machines/vehicle-state';
import type { VehicleSummary } from '../projection/fleet-view';

export type TwinEvent = (VehicleEmitted | MaintenanceEmitted | DeviceEmitted) & { vehicleId: string };

type VehicleActor = Actor<typeof vehicleTwinMachine>;
type DeviceActor = Actor<typeof deviceTwinMachine>;

export interface PersistedTwin {
  vehicleId: string;
  vehicle: unknown;
  devices: Record<string, unknown>;
}

/** A device's actor and its data, folded ahead of what the actor was last told. */
interface DeviceTwin {
  actor: DeviceActor;
  data: DeviceContext;
  /** The data moved since the actor was last sent a copy. */
  ahead: boolean;
  /** Folded since the last `settle`: the actor may have to hear of it. */
  unsettled: boolean;
  /** What the folds since the actor was last told announce. */
  pending: DeviceEmitted[];
}

const NO_EVENTS: never[] = [];

/**
 * A vehicle's twin as it lives in a host: one XState actor for the vehicle and one per device.
 * Every reading is folded into its device's data first, which decides (by sequence number)
 * whether it is new; only new readings are folded into the vehicle's data. The folds are pure of
 * I/O and run here at the edge, in place on data this object alone holds; an actor is sent a copy
 * of the data only when it moves one of its states or brings something to announce, and before
 * it is persisted. Most readings change no state, so they cost no XState macrostep and no new
 * context: that is what lets one core keep up with a fleet. Events the actors emit are collected
 * and returned to the caller, who publishes them.
 *
 * `apply` tells the actors after each reading, as a live host must. A caller stepping a simulated
 * clock may `fold` every reading of a step and `settle` once at its end: the actors then move at
 * the step's resolution (a stop shorter than the step moves no state), while the data still sees
 * every reading and the announcements of every fold are made at the settle.
 */
export class VehicleTwinActor {
  readonly vehicleId: string;
  private readonly vehicle: VehicleActor;
  /** The vehicle's data, folded ahead of the actor's context while `ahead`. */
  private readonly data: VehicleContext;
  private ahead = false;
  /** What the folds since the vehicle's actor was last told announce. */
  private pending: VehicleEmitted[] = NO_EVENTS;
  private readonly devices = new Map<string, DeviceTwin>();
  /** Devices folded since the last `settle`. */
  private unsettled: DeviceTwin[] = [];
  private outbox: TwinEvent[] = [];
  private syncs = 0;

  private constructor(
    vehicleId: string,
    private readonly timings: TwinTimings,
    persisted?: PersistedTwin,
  ) {
    this.vehicleId = vehicleId;
    this.vehicle = createActor(vehicleTwinMachine, {
      input: { vehicleId, timings },
      ...(persisted ? { snapshot: persisted.vehicle as SnapshotFrom<typeof vehicleTwinMachine> } : {}),
    });
    this.vehicle.on('*', (e) => this.outbox.push({ vehicleId, ...e }));
    this.vehicle.start();
    const { maintenance: _maintenance, ...data } = this.vehicle.getSnapshot().context;
    this.data = copyVehicleContext(data);
    for (const [deviceId, snapshot] of Object.entries(persisted?.devices ?? {})) {
      this.startDevice(deviceId, undefined, snapshot as SnapshotFrom<typeof deviceTwinMachine>);
    }
  }

  static create(vehicleId: string, timings: TwinTimings): VehicleTwinActor {
    return new VehicleTwinActor(vehicleId, timings);
  }

  static restore(persisted: PersistedTwin, timings: TwinTimings): VehicleTwinActor {
    return new VehicleTwinActor(persisted.vehicleId, timings, persisted);
  }

  private startDevice(deviceId: string, first?: Telemetry, snapshot?: SnapshotFrom<typeof deviceTwinMachine>): DeviceTwin {
    const actor = createActor(deviceTwinMachine, {
      input: {
        deviceId,
        vehicleId: this.vehicleId,
        kind: first?.deviceKind ?? 'gps',
        format: first?.format ?? 'json',
        timings: this.timings,
      },
      ...(snapshot ? { snapshot } : {}),
    });
    actor.on('*', (e) => this.outbox.push({ vehicleId: this.vehicleId, ...e }));
    actor.start();
    const context = actor.getSnapshot().context;
    // Once, here: a snapshot written before ranges were flat holds them as tuples.
    const device: DeviceTwin = { actor, data: { ...copyDeviceContext(context), seqs: seqRangesFrom(context.seqs) }, ahead: false, unsettled: false, pending: NO_EVENTS };
    this.devices.set(deviceId, device);
    return device;
  }

  /** Applies one reading (against the geofences in force); returns what the device twin made of it and the events it caused. */
  apply(reading: Telemetry, now: number, places?: GeofenceIndex): { verdict: SeqVerdict; events: TwinEvent[] } {
    const verdict = this.fold(reading, now, places);
    return { verdict, events: this.settle() };
  }

  /** Folds one reading into the data, telling no actor yet (`settle` does); returns what the device twin made of it. */
  fold(reading: Telemetry, now: number, places?: GeofenceIndex): SeqVerdict {
    const device = this.devices.get(reading.deviceId) ?? this.startDevice(reading.deviceId, reading);
    const { verdict, emitted } = foldDeviceReadingInto(device.data, reading, now);
    device.ahead = true;
    if (emitted.length > 0) device.pending = device.pending.concat(emitted);
    if (!device.unsettled) {
      device.unsettled = true;
      this.unsettled.push(device);
    }
    if (verdict === 'in_order' || verdict === 'late') {
      const announced = foldReadingInto(this.data, reading, verdict, now, places);
      this.ahead = true;
      if (announced.length > 0) this.pending = this.pending.concat(announced);
    }
    return verdict;
  }

  /** Readings were folded since the last settle. */
  get unsettledFolds(): boolean {
    return this.unsettled.length > 0;
  }

  /** Tells the actors what the folds since the last settle moved or announce; returns the events that caused. */
  settle(): TwinEvent[] {
    for (const device of this.unsettled) {
      device.unsettled = false;
      this.deviceMoved(device);
    }
    this.unsettled.length = 0;
    this.vehicleMoved();
    return this.drain();
  }

  /** A work order moved the vehicle's maintenance state (a twin command); returns the events it caused. */
  setMaintenance(state: MaintenanceState, workOrderId: string | null, now: number): TwinEvent[] {
    this.data.clock = Math.max(this.data.clock, now);
    this.syncVehicle();
    this.vehicle.send({ type: 'maintenance', state, workOrderId, now });
    return this.drain();
  }

  /** Tells the twin the time, so silence turns into stale and offline. */
  tick(now: number): TwinEvent[] {
    if (now > this.data.clock) {
      this.data.clock = now;
      this.ahead = true;
      this.vehicleMoved();
    }
    for (const device of this.devices.values()) {
      if (now <= device.data.clock) continue;
      device.data.clock = now;
      device.ahead = true;
      this.deviceMoved(device);
    }
    return this.drain();
  }

  /** The device's data may have moved; its actor hears of it if that moves connectivity or there is something to announce. */
  private deviceMoved(device: DeviceTwin): void {
    if (device.pending.length > 0 || connectivityOf(device.data) !== device.actor.getSnapshot().value) this.syncDevice(device);
  }

  private syncDevice(device: DeviceTwin): void {
    const emitted = device.pending;
    device.pending = NO_EVENTS;
    device.actor.send({ type: 'sync', context: copyDeviceContext(device.data), emitted });
    device.ahead = false;
  }

  /** The vehicle's data may have moved; its actor hears of it if that moves a region or there is something to announce. */
  private vehicleMoved(): void {
    if (!this.ahead) return;
    const data = this.data;
    const regions = this.vehicle.getSnapshot().value as VehicleStates;
    if (
      this.pending.length > 0 ||
      motionOf(data) !== regions.motion ||
      connectivityOf(data) !== regions.connectivity ||
      data.health.level !== regions.health
    ) {
      this.syncVehicle();
    }
  }

  private syncVehicle(): void {
    if (!this.ahead) return;
    const emitted = this.pending;
    this.pending = NO_EVENTS;
    this.vehicle.send({ type: 'sync', context: copyVehicleContext(this.data), emitted });
    this.ahead = false;
    this.syncs++;
  }

  /** How often the vehicle's machine was sent its data: one XState macrostep each (the rest of a fold costs none). */
  get vehicleSyncs(): number {
    return this.syncs;
  }

  /** Brings every actor up to its data, so a persisted snapshot holds all that was applied. */
  private syncAll(): void {
    for (const device of this.unsettled) device.unsettled = false;
    this.unsettled.length = 0;
    this.syncVehicle();
    for (const device of this.devices.values()) if (device.ahead) this.syncDevice(device);
  }

  private drain(): TwinEvent[] {
    if (this.outbox.length === 0) return NO_EVENTS;
    const events = this.outbox;
    this.outbox = [];
    return events;
  }

  /** When silence alone would next change a state of the vehicle or a device; null when none. */
  nextDeadline(): number | null {
    let soonest = nextDeadline(this.data);
    for (const device of this.devices.values()) {
      const at = nextDeadline(device.data);
      if (at !== null && (soonest === null || at < soonest)) soonest = at;
    }
    return soonest;
  }

  summary(): VehicleSummary {
    const c = this.data;
    return {
      id: this.vehicleId,
      lat: c.position?.lat ?? 0,
      lon: c.position?.lon ?? 0,
      speedKph: c.speedKph,
      headingDeg: c.position?.headingDeg ?? 0,
      motion: motionOf(c),
      health: c.health.level,
      connectivity: connectivityOf(c),
      odometerKm: Math.round(c.odometerKm * 1000) / 1000,
      updatedAt: c.lastSeenAt ?? 0,
    };
  }

  /** The twin as JSON for queries: machine states, context and every device. */
  view(): { vehicleId: string; state: VehicleStates; context: VehicleTwinContext; devices: DeviceView[] } {
    const snapshot = this.vehicle.getSnapshot();
    return {
      vehicleId: this.vehicleId,
      state: snapshot.value as VehicleStates,
      context: { ...copyVehicleContext(this.data), maintenance: snapshot.context.maintenance ?? { state: 'none', workOrderId: null, since: null } },
      devices: [...this.devices.values()].map(({ data }) => {
        const { seqs: _seqs, timings: _timings, ...context } = copyDeviceContext(data);
        return { ...context, connectivity: connectivityOf(data), lastSeq: lastSeq(data) ?? null };
      }),
    };
  }

  /** Per-device highest applied sequence number, for exactly-once checks. */
  deviceSeqs(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [id, d] of this.devices) out[id] = lastSeq(d.data) ?? null;
    return out;
  }

  persist(): PersistedTwin {
    this.syncAll();
    const devices: Record<string, unknown> = {};
    for (const [id, d] of this.devices) devices[id] = d.actor.getPersistedSnapshot();
    return { vehicleId: this.vehicleId, vehicle: this.vehicle.getPersistedSnapshot(), devices };
  }

  stop(): void {
    this.vehicle.stop();
    for (const d of this.devices.values()) d.actor.stop();
  }
}

type VehicleStates = { motion: string; connectivity: string; health: string; maintenance: string };
type DeviceView = Omit<DeviceContext, 'seqs' | 'timings'> & { connectivity: string; lastSeq: number | null };
