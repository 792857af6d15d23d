import type { Reading, DeviceKind } from '../../twins/telemetry/schema';
import type { Vehicle } from '../fleet/vehicle';
import type { Rng } from '../world/random';

/** What a device remembers between readings, beyond its sequence number. */
export interface DeviceMemory {
  /** Id of the last harsh event it reported. */
  harshSeen: number;
}

/** A kind of device: how often it reports and what it reads off the vehicle. */
export interface DeviceModel {
  kind: DeviceKind;
  firmware: string;
  /** Reporting period while driving, ms (before --rate). */
  activeMs: number;
  /** Reporting period with the engine idling at a standstill (default: activeMs). */
  idleMs?: number;
  /** Reporting period with the ignition off, ms (before --rate). */
  parkedMs: number;
  /** Reports at once when the vehicle sets off or stops (a tracker's movement sensor), not only on ignition and door. */
  reportsOnMotion?: boolean;
  /** One reading of the vehicle as it is now, with this device's sensor noise. */
  read(vehicle: Vehicle, rng: Rng, memory: DeviceMemory): Reading;
}

/** Rounds to `digits` decimals: sensors have a resolution, and payloads stay short. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
