import { VehicleTwinActor } from '../../twins/runtime/vehicle-twin-actor';
import type { TwinTimings } from '../../twins/machines/vehicle-state';
import type { Telemetry } from '../../twins/telemetry/schema';

export interface TwinLogicOptions {
  /** Readings of a small fleet in time order (fleetReadings with copies: 1). */
  readings: Telemetry[];
  /** The small fleet is replayed under this many vehicle ids at once, for a fleet this many times larger. */
  copies: number;
  /** Readings applied before the clock starts, so the twins exist and the code is optimised. */
  warmup: number;
  /** Readings applied while timing. */
  measure: number;
}

export interface TwinLogicResult {
  readings: number;
  twins: number;
  wallMs: number;
  cpuMs: number;
  /** Readings applied per second of this process's CPU time (one core: run with --single-threaded-gc). */
  perCpuSecond: number;
  perWallSecond: number;
}

const timings: TwinTimings = { staleMs: 60_000, offlineMs: 300_000 };

/**
 * What a twin host does per reading once it has parsed it: the vehicle's twin applies it (device
 * twin first, then the vehicle twin) and tells when silence would next change it. Readings are
 * made as a host gets them — a new object per message, dying young — by replaying the small
 * fleet's readings lap after lap with sequence numbers and times moved on, under `copies` names.
 */
export function measureTwinLogic(options: TwinLogicOptions): TwinLogicResult {
  const { readings, copies } = options;
  const first = readings[0]!.deviceTime;
  const lapMs = readings[readings.length - 1]!.deviceTime - first + 1000;
  const maxSeq = readings.reduce((m, r) => Math.max(m, r.seq), 0);
  const names = new Map<string, string[]>();
  const twins = new Map<string, VehicleTwinActor>();
  let next = 0;

  const applyNext = () => {
    const index = Math.floor(next / copies) % readings.length;
    const lap = Math.floor(next / copies / readings.length);
    const copy = next % copies;
    next++;
    const base = readings[index]!;
    let ids = names.get(base.vehicleId);
    if (!ids) {
      ids = Array.from({ length: copies }, (_, c) => `${base.vehicleId}C${c}`);
      names.set(base.vehicleId, ids);
    }
    const vehicleId = ids[copy]!;
    const shiftMs = lap * lapMs;
    const reading: Telemetry = {
      ...base,
      vehicleId,
      deviceId: `${vehicleId}-${base.deviceKind}`,
      seq: base.seq + lap * maxSeq,
      deviceTime: base.deviceTime + shiftMs,
      receivedAt: base.receivedAt + shiftMs,
    };
    let twin = twins.get(vehicleId);
    if (!twin) {
      twin = VehicleTwinActor.create(vehicleId, timings);
      twins.set(vehicleId, twin);
    }
    twin.apply(reading, reading.receivedAt);
    twin.nextDeadline();
  };

  for (let i = 0; i < options.warmup; i++) applyNext();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < options.measure; i++) applyNext();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return {
    readings: options.measure,
    twins: twins.size,
    wallMs,
    cpuMs,
    perCpuSecond: options.measure / (cpuMs / 1000),
    perWallSecond: options.measure / (wallMs / 1000),
  };
}
