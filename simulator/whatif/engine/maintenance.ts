import type { VehicleContext } from '../../../twins/machines/vehicle-state';
import type { MaintenancePolicy } from '../scenario/schema';

/** The last service as the planner's records know it, in the twin's own units. */
export interface ServiceRecord {
  atMs: number;
  /** Twin odometer at the service; null until the twin has an odometer. */
  odometerKm: number | null;
  engineHours: number | null;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Health reasons of the twin that point at a worn component (not fuel or cargo). */
const componentReason = /^(coolant|oil pressure|not charging|battery|tyre|DTC)/;

/**
 * Failure risk, 0-1, read off what the twin shows: a worn engine loses oil pressure for its rpm, a
 * failing cooling system runs hot, a tired battery rests low, a leaking tyre loses pressure. These
 * signals appear once a component is half worn, well before its DTC; the highest one counts.
 */
export function riskScore(twin: VehicleContext): number {
  const e = twin.engine;
  let risk = 0;
  if (e.oilPressureKpa !== undefined && e.rpm !== undefined && e.rpm > 0 && e.coolantC !== undefined) {
    // Healthy oil pressure rises with rpm and, thinning less than it warms, with temperature.
    const expected = (120 + 0.09 * e.rpm) * Math.min(1.3, Math.max(0.8, (e.coolantC + 40) / 100));
    risk = Math.max(risk, clamp01((0.95 - e.oilPressureKpa / expected) / 0.5));
  }
  if (e.coolantC !== undefined && twin.engineOn) risk = Math.max(risk, clamp01((e.coolantC - 96) / 14));
  if (e.batteryV !== undefined && twin.engineOn === false) risk = Math.max(risk, clamp01((12.55 - e.batteryV) / 1.2));
  const pressures = Object.values(twin.tyresKpa);
  if (pressures.length) risk = Math.max(risk, clamp01((390 - Math.min(...pressures)) / 200));
  if (Object.values(twin.dtcs).some((list) => list.length > 0)) risk = 1;
  return risk;
}

/** Whether the policy sends the vehicle to the workshop now, judged from its twin. */
export function serviceDue(policy: MaintenancePolicy, twin: VehicleContext, last: ServiceRecord, nowMs: number): boolean {
  switch (policy.policy) {
    case 'calendar':
      return nowMs - last.atMs >= policy.intervalDays * 86_400_000;
    case 'mileage':
      return last.odometerKm !== null && twin.odometerKm - last.odometerKm >= policy.intervalKm;
    case 'engineHours': {
      const hours = twin.engine.engineHours;
      return hours !== undefined && last.engineHours !== null && hours - last.engineHours >= policy.intervalEngineHours;
    }
    // Both read the twin's latest values: without a reading since the last service they are stale.
    case 'condition':
      return newSince(twin, last) && twin.health.reasons.some((r) => componentReason.test(r));
    case 'predictive':
      return newSince(twin, last) && riskScore(twin) >= policy.riskThreshold;
  }
}

function newSince(twin: VehicleContext, last: ServiceRecord): boolean {
  return twin.stateTime !== null && twin.stateTime > last.atMs;
}
