import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Telemetry } from '../telemetry/schema';
import { deviceTwinMachine, lastSeq, type DeviceEmitted } from '../machines/device-twin';
import type { SeqVerdict } from '../machines/seq-ranges';
import { vehicleTwinMachine } from '../machines/vehicle-twin';
import { connectivityOf, motionOf, nextDeadline, type TwinTimings, type VehicleEmitted } from '../machines/vehicle-state';
import type { VehicleSummary } from '../projection/fleet-view';

export type TwinEvent = (VehicleEmitted | DeviceEmitted) & { vehicleId: string };

type VehicleActor = Actor<typeof vehicleTwinMachine>;
type DeviceActor = Actor<typeof deviceTwinMachine>;

export interface PersistedTwin {
  vehicleId: string;
  vehicle: unknown;
  devices: Record<string, unknown>;
}

/**
 * A vehicle's twin as it lives in a host: one XState actor for the vehicle and one per device.
 * Every reading goes to its device actor first, which decides (by sequence number) whether it
 * is new; only new readings reach the vehicle actor. Events the actors emit are collected and
 * returned to the caller, who publishes them.
 */
export class VehicleTwinActor {
  readonly vehicleId: string;
  private readonly vehicle: VehicleActor;
  private readonly devices = new Map<string, DeviceActor>();
  private outbox: TwinEvent[] = [];

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
    this.vehicle.on('*', (e) => this.outbox.push({ ...e, vehicleId }));
    this.vehicle.start();
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

  private startDevice(deviceId: string, first?: Telemetry, snapshot?: SnapshotFrom<typeof deviceTwinMachine>): DeviceActor {
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
    actor.on('*', (e) => this.outbox.push({ ...e, vehicleId: this.vehicleId }));
    actor.start();
    this.devices.set(deviceId, actor);
    return actor;
  }

  /** Applies one reading; returns what the device twin made of it and the events it caused. */
  apply(reading: Telemetry, now: number): { verdict: SeqVerdict; events: TwinEvent[] } {
    const device = this.devices.get(reading.deviceId) ?? this.startDevice(reading.deviceId, reading);
    device.send({ type: 'telemetry', reading, now });
    const verdict = device.getSnapshot().context.lastVerdict ?? 'duplicate';
    if (verdict === 'in_order' || verdict === 'late') {
      this.vehicle.send({ type: 'reading', reading, order: verdict, now });
    }
    return { verdict, events: this.drain() };
  }

  /** Tells the twin the time, so silence turns into stale and offline. */
  tick(now: number): TwinEvent[] {
    this.vehicle.send({ type: 'tick', now });
    for (const device of this.devices.values()) device.send({ type: 'tick', now });
    return this.drain();
  }

  private drain(): TwinEvent[] {
    const events = this.outbox;
    this.outbox = [];
    return events;
  }

  /** When silence alone would next change a state of the vehicle or a device; null when none. */
  nextDeadline(): number | null {
    let soonest = nextDeadline(this.vehicle.getSnapshot().context);
    for (const device of this.devices.values()) {
      const at = nextDeadline(device.getSnapshot().context);
      if (at !== null && (soonest === null || at < soonest)) soonest = at;
    }
    return soonest;
  }

  summary(): VehicleSummary {
    const c = this.vehicle.getSnapshot().context;
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
  view() {
    const snapshot = this.vehicle.getSnapshot();
    return {
      vehicleId: this.vehicleId,
      state: snapshot.value,
      context: snapshot.context,
      devices: [...this.devices.values()].map((d) => {
        const s = d.getSnapshot();
        const { seqs: _seqs, timings: _timings, ...context } = s.context;
        return { ...context, connectivity: s.value, lastSeq: lastSeq(s.context) ?? null };
      }),
    };
  }

  /** Per-device highest applied sequence number, for exactly-once checks. */
  deviceSeqs(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [id, d] of this.devices) out[id] = lastSeq(d.getSnapshot().context) ?? null;
    return out;
  }

  persist(): PersistedTwin {
    const devices: Record<string, unknown> = {};
    for (const [id, d] of this.devices) devices[id] = d.getPersistedSnapshot();
    return { vehicleId: this.vehicleId, vehicle: this.vehicle.getPersistedSnapshot(), devices };
  }

  stop(): void {
    this.vehicle.stop();
    for (const d of this.devices.values()) d.stop();
  }
}
