import type { VehicleContext as TwinContext } from '../../../twins/machines/vehicle-state';
import { van } from '../../fleet/powertrain';
import type { OtaReport } from '../engine/ota-rollout';

/** What the planner's side of a run counted: breakdowns, workshop time and money. */
export interface SeedLedger {
  breakdowns: number;
  /** From each breakdown until the vehicle runs again (towing, queue, repair). */
  unplannedDowntimeMs: number;
  /** Planned services: from booking (waiting for a bay) until the service ends. */
  workshopMs: number;
  services: number;
  partsReplaced: number;
  cost: number;
}

export const kpiNames = [
  'uptimePct',
  'unplannedDowntimeHours',
  'breakdowns',
  'maintenanceCost',
  'fuelLPer100Km',
  'idleSharePct',
  'safetyScore',
  'otaSuccessPct',
  'otaRolloutHours',
] as const;
export type KpiName = (typeof kpiNames)[number];
/** null: not measurable in this run (no OTA installs, rollout unfinished at the horizon). */
export type SeedKpis = Record<KpiName, number | null>;

export const kpiLabels: Record<KpiName, { label: string; unit: string; better: 'higher' | 'lower' }> = {
  uptimePct: { label: 'vehicle uptime', unit: '%', better: 'higher' },
  unplannedDowntimeHours: { label: 'unplanned downtime', unit: 'h', better: 'lower' },
  breakdowns: { label: 'breakdowns', unit: '', better: 'lower' },
  maintenanceCost: { label: 'maintenance cost', unit: '€', better: 'lower' },
  fuelLPer100Km: { label: 'fuel', unit: 'L/100 km', better: 'lower' },
  idleSharePct: { label: 'idle share', unit: '%', better: 'lower' },
  safetyScore: { label: 'safety score', unit: '/100', better: 'higher' },
  otaSuccessPct: { label: 'OTA success', unit: '%', better: 'higher' },
  otaRolloutHours: { label: 'OTA rollout duration', unit: 'h', better: 'lower' },
};

/** Harsh events per 100 km at which the safety score is 100/e (≈ 37). */
const HARSH_SCALE_PER_100KM = 100;

interface TwinOutcome {
  view: { context: TwinContext; devices: Array<{ deviceId: string; firmware: string | null }> };
  /** The first absolute odometer a device reported: distance is counted from there. */
  firstOdometerKm: number | null;
}

/**
 * One seed's KPIs. Driving figures come from the twins (what the platform itself would report):
 * distance from the odometer, fuel from the fuel used, idle share from idling and driving time,
 * safety from harsh events per 100 km, OTA success from the firmware the device twins show.
 * Downtime, breakdowns and cost come from the run's workshop ledger.
 */
export function seedKpis(input: { vehicles: number; horizonMs: number; ledger: SeedLedger; twins: TwinOutcome[]; ota: OtaReport; otaVersion: string }): SeedKpis {
  const { ledger, twins, ota } = input;
  let km = 0;
  let fuelL = 0;
  let idleMs = 0;
  let drivingMs = 0;
  let harsh = 0;
  let updated = 0;
  for (const { view, firstOdometerKm } of twins) {
    const c = view.context;
    if (firstOdometerKm !== null) km += Math.max(0, c.odometerKm - firstOdometerKm);
    fuelL += (c.fuelUsedPct / 100) * van.tankL;
    idleMs += c.idleMs;
    drivingMs += c.drivingMs;
    harsh += c.harsh.braking + c.harsh.acceleration + c.harsh.cornering + c.harsh.impact;
    updated += view.devices.filter((d) => d.firmware === input.otaVersion).length;
  }
  const fleetMs = input.vehicles * input.horizonMs;
  return {
    uptimePct: fleetMs > 0 ? 100 * (1 - (ledger.unplannedDowntimeMs + ledger.workshopMs) / fleetMs) : null,
    unplannedDowntimeHours: ledger.unplannedDowntimeMs / 3_600_000,
    breakdowns: ledger.breakdowns,
    maintenanceCost: ledger.cost,
    fuelLPer100Km: km > 0 ? (100 * fuelL) / km : null,
    idleSharePct: idleMs + drivingMs > 0 ? (100 * idleMs) / (idleMs + drivingMs) : null,
    safetyScore: km > 0 ? 100 * Math.exp(-(100 * harsh) / km / HARSH_SCALE_PER_100KM) : null,
    otaSuccessPct: ota.attempted > 0 ? (100 * updated) / ota.attempted : null,
    otaRolloutHours: ota.rolloutHours,
  };
}
