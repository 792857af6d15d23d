import { decodeMessage } from '../../twins/ingress/decode';
import type { Telemetry } from '../../twins/telemetry/schema';
import { Simulation } from '../../simulator/simulation';
import { createRandom } from '../../simulator/world/random';
import { createWorld } from '../../simulator/world/world';

export interface FleetReadingsOptions {
  /** Vehicles actually simulated. */
  vehicles: number;
  /**
   * Each simulated vehicle's readings are replayed under this many vehicle ids (default 1), so a
   * large fleet costs the simulation of a small one; twins don't share state, so they are as many
   * independent twins as distinct fleets would be.
   */
  copies?: number;
  /** Simulated seconds of driving to sample. */
  seconds: number;
  /** Device sampling speed-up, so a short stretch of simulated time yields many readings. */
  rate: number;
  seed?: string;
}

/**
 * Canonical readings as the twins get them in production: the simulator's vans and their four
 * devices on the Monaco roads, each message decoded by the ingress's own decoder.
 */
export function fleetReadings(options: FleetReadingsOptions): Telemetry[] {
  const seed = options.seed ?? 'bench-twins';
  const startMs = Date.UTC(2026, 0, 5, 7, 0, 0);
  const world = createWorld(createRandom(seed).fork('world'), { kind: 'monaco' });
  const simulation = new Simulation({ world, vehicles: options.vehicles, devicesPerVehicle: 4, rate: options.rate, seed, startMs });
  const copies = options.copies ?? 1;
  const readings: Telemetry[] = [];
  simulation.advanceTo(startMs + options.seconds * 1000, (message) => {
    const outcome = decodeMessage(message.topic, message.payload, message.ts);
    if (!outcome.ok) throw new Error(`the simulator produced a message the ingress rejects: ${outcome.detail}`);
    for (const reading of outcome.records) {
      for (let copy = 0; copy < copies; copy++) readings.push(copy === 0 ? reading : renamed(reading, `C${copy}`));
    }
  });
  return readings;
}

function renamed(reading: Telemetry, suffix: string): Telemetry {
  const vehicleId = `${reading.vehicleId}${suffix}`;
  return { ...reading, vehicleId, deviceId: reading.deviceId.replace(reading.vehicleId, vehicleId) };
}
