import distance from '@turf/distance';
import { GeofenceIndex } from '../geofences/geofence-index';
import type { Dtc, Telemetry } from '../telemetry/schema';
import { dtcLabel, judgeHealth, type HealthVerdict } from './health-rules';

/**
 * The vehicle twin's data and the pure functions that fold readings into it. The XState machine
 * (vehicle-twin.ts) assigns what these return and moves its states from the result, so the same
 * logic serves live twins, tests and what-if runs.
 */
export type Motion = 'parked' | 'idle' | 'driving';
export type Connectivity = 'online' | 'stale' | 'offline';
export type HarshCounts = Record<'braking' | 'acceleration' | 'cornering' | 'impact', number>;

export interface TwinTimings {
  staleMs: number;
  offlineMs: number;
}

export interface VehicleContext {
  vehicleId: string;
  timings: TwinTimings;
  /** Latest time the runtime told the twin (injected clock). */
  clock: number;
  /** Receive time of the latest reading from any device. */
  lastSeenAt: number | null;
  /** Device time of the newest reading folded into the current state; older ones never move it back. */
  stateTime: number | null;
  position: { lat: number; lon: number; speedKph: number; headingDeg: number; at: number } | null;
  speedKph: number;
  engineOn: boolean | null;
  engine: {
    rpm?: number;
    coolantC?: number;
    oilPressureKpa?: number;
    batteryV?: number;
    engineHours?: number;
    loadPct?: number;
    throttlePct?: number;
    intakeAirC?: number;
  };
  odometerKm: number;
  /** 'obd' once a device reports an absolute odometer; until then distance along GPS fixes. */
  odometerSource: 'gps' | 'obd';
  fuelLevelPct: number | null;
  fuelUsedPct: number;
  refuels: number;
  idleMs: number;
  drivingMs: number;
  harsh: HarshCounts;
  /** Active trouble codes by the device that reports them. */
  dtcs: Record<string, Dtc[]>;
  tyresKpa: Record<string, number>;
  cargoTempC: number[];
  doorOpen: boolean | null;
  /** Ids of the geofences the vehicle's newest position lies in, sorted. */
  geofences: string[];
  health: HealthVerdict;
  readings: { inOrder: number; late: number };
}

export type ReadingOrder = 'in_order' | 'late';

/** A domain event a twin announces; the host publishes it to the EVENTS stream. */
export type VehicleEmitted =
  | { type: 'motion'; from: Motion; to: Motion; at: number }
  | { type: 'connectivity'; to: Connectivity; at: number }
  | { type: 'health'; level: HealthVerdict['level']; reasons: string[]; at: number }
  | { type: 'dtc'; deviceId: string; raised: string[]; cleared: string[]; at: number }
  // `harsh`, not `kind`: a published event's `kind` is its type (twin-events.ts).
  | { type: 'harsh'; harsh: keyof HarshCounts; g?: number; at: number; late: boolean }
  | { type: 'geofence'; entered: string[]; exited: string[]; breaches: string[]; at: number };

/** The engine readings the twin keeps as last reported (ignition, odometer and fuel are folded apart). */
const ENGINE_VALUES = ['rpm', 'coolantC', 'oilPressureKpa', 'batteryV', 'engineHours', 'loadPct', 'throttlePct', 'intakeAirC'] as const satisfies ReadonlyArray<keyof VehicleContext['engine']>;

export const DRIVING_MIN_KPH = 3;
/** A gap longer than this between readings is not counted as idling or driving (device was silent). */
export const MAX_ACCOUNTED_GAP_MS = 5 * 60_000;
/** Faster than this between two fixes is a GPS jump, not distance driven. */
const MAX_PLAUSIBLE_KPH = 250;
const REFUEL_STEP_PCT = 5;

export function initialVehicleContext(vehicleId: string, timings: TwinTimings, now = 0): VehicleContext {
  return {
    vehicleId,
    timings,
    clock: now,
    lastSeenAt: null,
    stateTime: null,
    position: null,
    speedKph: 0,
    engineOn: null,
    engine: {},
    odometerKm: 0,
    odometerSource: 'gps',
    fuelLevelPct: null,
    fuelUsedPct: 0,
    refuels: 0,
    idleMs: 0,
    drivingMs: 0,
    harsh: { braking: 0, acceleration: 0, cornering: 0, impact: 0 },
    dtcs: {},
    tyresKpa: {},
    cargoTempC: [],
    doorOpen: null,
    geofences: [],
    health: { level: 'ok', reasons: [] },
    readings: { inOrder: 0, late: 0 },
  };
}

function accountMotion(c: VehicleContext, motion: Motion, ms: number): void {
  if (motion === 'idle') c.idleMs += ms;
  else if (motion === 'driving') c.drivingMs += ms;
}

export function motionOf(c: Pick<VehicleContext, 'speedKph' | 'engineOn'>): Motion {
  if (c.speedKph > DRIVING_MIN_KPH) return 'driving';
  return c.engineOn ? 'idle' : 'parked';
}

export function connectivityOf(c: Pick<VehicleContext, 'clock' | 'lastSeenAt' | 'timings'>): Connectivity {
  if (c.lastSeenAt === null) return 'offline';
  const silentMs = c.clock - c.lastSeenAt;
  if (silentMs >= c.timings.offlineMs) return 'offline';
  if (silentMs >= c.timings.staleMs) return 'stale';
  return 'online';
}

/** When the connectivity state would next change by silence alone; the runtime ticks the twin then. */
export function nextDeadline(c: Pick<VehicleContext, 'clock' | 'lastSeenAt' | 'timings'>): number | null {
  if (c.lastSeenAt === null) return null;
  const stale = c.lastSeenAt + c.timings.staleMs;
  if (c.clock < stale) return stale;
  const offline = c.lastSeenAt + c.timings.offlineMs;
  return c.clock < offline ? offline : null;
}

function engineOnFrom(reading: Telemetry): boolean | undefined {
  if (reading.engine?.ignition !== undefined) return reading.engine.ignition;
  if (reading.engine?.rpm !== undefined) return reading.engine.rpm > 0;
  return undefined;
}

function speedFrom(reading: Telemetry): number | undefined {
  if (reading.position?.speedKph !== undefined) return reading.position.speedKph;
  const obd = reading.attributes?.obdSpeedKph;
  return typeof obd === 'number' ? obd : undefined;
}

/**
 * Folds one accepted reading into the twin's data, in place, and returns what it announces.
 * In place because it runs for every reading a host applies: a new context per reading was most
 * of the twin's cost (allocation and collection). The data belongs to one twin and is never
 * shared; what leaves the twin (its actor's context, a view) is a copy.
 * In-order readings newer than the state move it; late ones (a store-and-forward burst) only add
 * what happened then — harsh events — and never move position, odometer, fuel or time accounting
 * backwards or count them twice. The geofences in force are given like the time: the fold only
 * reads them.
 */
export function foldReadingInto(
  c: VehicleContext,
  reading: Telemetry,
  order: ReadingOrder,
  now: number,
  places: GeofenceIndex = GeofenceIndex.empty,
): VehicleEmitted[] {
  let emitted = NOTHING;
  c.clock = Math.max(c.clock, now);
  c.lastSeenAt = Math.max(c.lastSeenAt ?? 0, reading.receivedAt);
  if (order === 'in_order') c.readings.inOrder++;
  else c.readings.late++;

  if (reading.harsh) {
    emitted = [];
    for (const h of reading.harsh) {
      c.harsh[h.kind]++;
      emitted.push({ type: 'harsh', harsh: h.kind, at: reading.deviceTime, late: order === 'late', ...(h.g !== undefined ? { g: h.g } : {}) });
    }
  }

  const isNewest = order === 'in_order' && (c.stateTime === null || reading.deviceTime >= c.stateTime);
  if (!isNewest) return emitted;

  const gap = c.stateTime === null ? 0 : reading.deviceTime - c.stateTime;
  const was = motionOf(c);
  c.stateTime = reading.deviceTime;

  const engineOnBefore = c.engineOn;
  const engineOn = engineOnFrom(reading);
  if (engineOn !== undefined) c.engineOn = engineOn;
  const speed = speedFrom(reading);
  if (speed !== undefined) c.speedKph = speed;

  // The time since the previous newest reading counts for the motion that held then; when this
  // reading shows another, the change happened somewhere in between, half of it each (at best
  // a guess either way, but not biased towards the earlier motion as a device reporting rarely
  // while standing would make it).
  if (gap > 0 && gap <= MAX_ACCOUNTED_GAP_MS) {
    const is = motionOf(c);
    const before = is === was ? gap : gap / 2;
    accountMotion(c, was, before);
    accountMotion(c, is, gap - before);
  }

  if (reading.position) {
    const p = reading.position;
    const prev = c.position;
    if (prev && c.odometerSource === 'gps') {
      const km = distance([prev.lon, prev.lat], [p.lon, p.lat], { units: 'kilometers' });
      const hours = (reading.deviceTime - prev.at) / 3_600_000;
      if (hours > 0 && km / hours <= MAX_PLAUSIBLE_KPH) c.odometerKm += km;
    }
    const speedKph = p.speedKph ?? c.speedKph;
    const headingDeg = p.headingDeg ?? prev?.headingDeg ?? 0;
    // In place once there is one: a new object per fix outlived the young generation in a big host.
    if (prev) {
      prev.lat = p.lat;
      prev.lon = p.lon;
      prev.speedKph = speedKph;
      prev.headingDeg = headingDeg;
      prev.at = reading.deviceTime;
    } else c.position = { lat: p.lat, lon: p.lon, speedKph, headingDeg, at: reading.deviceTime };
    if (places.size > 0 || c.geofences.length > 0) {
      const crossing = moveAmongGeofences(c, places, p.lon, p.lat, reading.deviceTime);
      if (crossing) emitted = [...emitted, crossing];
    }
  }

  // Health is judged on ignition, coolant, oil pressure, battery, fuel, tyres, cargo and codes:
  // only a reading that changes one of them (not most GPS fixes, not rpm or speed) can change it.
  let healthMoved = c.engineOn !== engineOnBefore;
  const e = reading.engine;
  if (e) {
    for (const key of ENGINE_VALUES) {
      const value = e[key];
      if (value === undefined || value === c.engine[key]) continue;
      c.engine[key] = value;
      if (key === 'coolantC' || key === 'oilPressureKpa' || key === 'batteryV') healthMoved = true;
    }
    if (e.odometerKm !== undefined) {
      c.odometerSource = 'obd';
      c.odometerKm = Math.max(c.odometerKm, e.odometerKm);
    }
    if (e.fuelLevelPct !== undefined && e.fuelLevelPct !== c.fuelLevelPct) {
      if (c.fuelLevelPct !== null) {
        const drop = c.fuelLevelPct - e.fuelLevelPct;
        if (drop > 0) c.fuelUsedPct += drop;
        else if (-drop >= REFUEL_STEP_PCT) c.refuels++;
      }
      c.fuelLevelPct = e.fuelLevelPct;
      healthMoved = true;
    }
  }
  if (reading.tyres) {
    for (const tyre of reading.tyres) {
      if (c.tyresKpa[tyre.position] === tyre.pressureKpa) continue;
      c.tyresKpa[tyre.position] = tyre.pressureKpa;
      healthMoved = true;
    }
  }
  if (reading.cargoTempC) {
    if (!sameItems(c.cargoTempC, reading.cargoTempC)) healthMoved = true;
    c.cargoTempC = reading.cargoTempC;
  }
  if (reading.doorOpen !== undefined) c.doorOpen = reading.doorOpen;

  if (reading.dtcs) {
    const stored = c.dtcs[reading.deviceId] ?? NO_DTCS;
    // Most readings repeat the codes already known (mostly none): no sets for them.
    if (!sameDtcs(stored, reading.dtcs)) {
      const before = new Set(stored.map(dtcLabel));
      const after = new Set(reading.dtcs.map(dtcLabel));
      const raised = [...after].filter((d) => !before.has(d));
      const cleared = [...before].filter((d) => !after.has(d));
      if (raised.length || cleared.length) {
        c.dtcs[reading.deviceId] = reading.dtcs;
        healthMoved = true;
        emitted = [...emitted, { type: 'dtc', deviceId: reading.deviceId, raised, cleared, at: reading.deviceTime }];
      }
    }
  }

  if (!healthMoved) return emitted;
  const health = judgeHealth({
    engineOn: c.engineOn,
    coolantC: c.engine.coolantC,
    oilPressureKpa: c.engine.oilPressureKpa,
    batteryV: c.engine.batteryV,
    fuelLevelPct: c.fuelLevelPct ?? undefined,
    tyresKpa: c.tyresKpa,
    cargoTempC: c.cargoTempC,
    dtcs: activeDtcs(c.dtcs),
  });
  if (health.level !== c.health.level || !sameItems(health.reasons, c.health.reasons)) c.health = health;
  return emitted;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameDtcs(a: readonly Dtc[], b: readonly Dtc[]): boolean {
  return a.length === b.length && a.every((d, i) => dtcLabel(d) === dtcLabel(b[i]!));
}

/** Every device's active codes as one list, without a new array when at most one device has any. */
function activeDtcs(byDevice: Record<string, Dtc[]>): Dtc[] {
  let all = NO_DTCS;
  for (const deviceId in byDevice) {
    const codes = byDevice[deviceId]!;
    if (codes.length) all = all.length ? all.concat(codes) : codes;
  }
  return all;
}

/** The fences the position lies in now; announces a move into or out of any. */
function moveAmongGeofences(c: VehicleContext, places: GeofenceIndex, lon: number, lat: number, at: number): VehicleEmitted | null {
  const inside = places.containing(lon, lat);
  if (inside.length === c.geofences.length && inside.every((id, i) => id === c.geofences[i])) return null;
  const { entered, exited, breaches } = places.crossing(c.geofences, inside);
  c.geofences = inside;
  return entered.length || exited.length ? { type: 'geofence', entered, exited, breaches, at } : null;
}

/** A copy of the data that shares nothing the fold changes in place: what leaves the twin. */
export function copyVehicleContext(c: VehicleContext): VehicleContext {
  return {
    ...c,
    position: c.position && { ...c.position },
    engine: { ...c.engine },
    harsh: { ...c.harsh },
    dtcs: { ...c.dtcs },
    tyresKpa: { ...c.tyresKpa },
    readings: { ...c.readings },
    // Snapshots from before geofences have none; the fold replaces the array, never changes it.
    geofences: c.geofences ?? [],
  };
}

const NOTHING: VehicleEmitted[] = [];
const NO_DTCS: Dtc[] = [];
