import { z } from 'zod';
import { components } from '../../fleet/wear';
import { deviceCatalogue } from '../../devices/catalogue';
import { deviceKinds } from '../../../twins/telemetry/schema';

/**
 * A what-if scenario: the fleet, its work, its wear, the policies under test and how long and how
 * finely to simulate. Every field has a default, so a scenario file says only what it changes;
 * `extends` (resolved by load.ts before this schema sees the file) makes one a variation of another.
 */
const range = (min: number, max: number) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([lo, hi]) => lo <= hi, 'the first value must not exceed the second');

const depotSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9 _-]{1,40}$/, 'depot names are 1-40 letters, digits, spaces, _ or -'),
  vehicles: z.number().int().min(0).max(50_000),
  /** Vehicles the depot's workshop can service or repair at once. */
  workshopBays: z.number().int().min(1).max(500).default(2),
});

const shiftSchema = z.strictObject({
  stopsPerShift: range(1, 100).default([5, 12]),
  /** Minutes at a delivery stop, engine idling. */
  dwellMinutes: range(0, 240).default([1, 7]),
  /** Hours parked at the depot between shifts. */
  restHours: range(0, 72).default([12, 15]),
  /** Refuel at the depot when the tank is below this share. */
  refuelBelow: z.number().min(0).max(1).default(0.35),
});

const componentFactors = z.partialRecord(z.enum(components), z.number().min(0).max(100));

const wearSchema = z.strictObject({
  /** Share of vehicles with one component failing early (a defect). */
  defectShare: z.number().min(0).max(1).default(0.1),
  /** Hours of typical use until a defective component fails. */
  defectHours: range(0.1, 100_000).default([4, 72]),
  /** Multiplies each component's wear. */
  rateFactor: componentFactors.default({}),
});

export const maintenancePolicies = ['calendar', 'mileage', 'engineHours', 'condition', 'predictive'] as const;

const maintenanceSchema = z.strictObject({
  /**
   * When a vehicle goes to the workshop: every `intervalDays` (calendar), every `intervalKm` of its
   * twin's odometer (mileage), every `intervalEngineHours` of its twin's engine hours, when its twin
   * shows a component fault (condition), or when the risk its twin's sensor values show passes
   * `riskThreshold` (predictive).
   */
  policy: z.enum(maintenancePolicies).default('calendar'),
  intervalDays: z.number().min(1).max(3650).default(30),
  intervalKm: z.number().min(100).max(1_000_000).default(5000),
  intervalEngineHours: z.number().min(10).max(100_000).default(250),
  riskThreshold: z.number().min(0.01).max(1).default(0.3),
  /** Hours a planned service keeps a vehicle in the workshop. */
  serviceHours: z.number().min(0.1).max(240).default(4),
  /** The mechanic replaces every component whose health (1 new, 0 failed) is below this. */
  renewBelowHealth: z.number().min(0).max(1).default(0.5),
  /** Hours to tow a broken-down vehicle to its depot's workshop. */
  towHours: z.number().min(0).max(72).default(2),
  /** Hours a breakdown repair keeps a workshop bay. */
  repairHours: z.number().min(0.1).max(720).default(6),
  costs: z
    .strictObject({
      service: z.number().min(0).default(250),
      partPerComponent: z.number().min(0).default(400),
      breakdownRepair: z.number().min(0).default(1200),
      tow: z.number().min(0).default(300),
    })
    .prefault({}),
});

const otaSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Which devices get the update. */
  deviceKind: z.enum(deviceKinds).default('gps'),
  version: z.string().min(1).max(64).default('FT-GPS 3.5.0'),
  /** Day of the horizon the rollout starts. */
  startDay: z.number().min(0).max(3650).default(1),
  /** Each wave adds this share of the devices. */
  waveShare: z.number().min(0.001).max(1).default(0.1),
  /** Hours to wait after a wave finished before the next one starts. */
  soakHours: z.number().min(0).max(720).default(12),
  /** Share of installs that fail (and roll back). */
  failureRate: z.number().min(0).max(1).default(0.02),
  /** The rollout stops when the failed share of all installs so far exceeds this after a wave. */
  maxFailureRate: z.number().min(0).max(1).default(0.05),
  installMinutes: z.number().min(1).max(24 * 60).default(20),
});

const weatherSchema = z.strictObject({
  /** Degrees added to the daily temperature curve (a harsh winter: -15). */
  ambientOffsetC: z.number().min(-60).max(40).default(0),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(80),
  description: z.string().max(2000).optional(),
  /** UTC date the simulated clock starts at. */
  startDate: z.iso.date().default('2025-01-06'),
  horizonDays: z.number().min(0.01).max(3650).default(30),
  /** Simulated seconds per step of the world (the simulator's physics step). */
  stepSeconds: z.number().min(0.1).max(600).default(60),
  /** Device reporting periods are multiplied by this (1: as live devices report). */
  samplingSlowdown: z.number().min(1).max(10_000).default(30),
  seeds: z.number().int().min(1).max(1000).default(5),
  /** Seeds are `${seedPrefix}-1`, `${seedPrefix}-2`, ...: scenarios with the same prefix share them. */
  seedPrefix: z.string().min(1).max(64).default('whatif'),
  world: z
    .strictObject({ kind: z.enum(['grid', 'monaco']).default('grid'), gridBlocks: z.number().int().min(2).max(200).default(12) })
    .prefault({}),
  depots: z.array(depotSchema).min(1).max(100).default([{ name: 'main', vehicles: 20, workshopBays: 2 }]),
  devicesPerVehicle: z.number().int().min(1).max(deviceCatalogue.length).default(deviceCatalogue.length),
  /** Number of the first vehicle (V00001 is 1), so a run's vehicle ids can match a real fleet's or stay apart from another run's. */
  firstVehicle: z.number().int().min(1).max(9_000_000).default(1),
  shifts: shiftSchema.prefault({}),
  drivers: z.strictObject({ aggressionScale: z.number().min(0).max(10).default(1) }).prefault({}),
  wear: wearSchema.prefault({}),
  maintenance: maintenanceSchema.prefault({}),
  ota: otaSchema.prefault({}),
  weather: weatherSchema.prefault({}),
  /**
   * The twins' silence thresholds as live twins have them. A run stretches them by
   * `samplingSlowdown`, as it does the devices' reporting periods, so a device reporting at its
   * slowed pace is online as it would be live (not stale and offline again between every two readings).
   */
  twin: z
    .strictObject({ staleSeconds: z.number().min(1).default(60), offlineSeconds: z.number().min(1).default(300) })
    .refine((t) => t.offlineSeconds > t.staleSeconds, 'offlineSeconds must exceed staleSeconds')
    .prefault({}),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type MaintenancePolicy = Scenario['maintenance'];
export type OtaPolicy = Scenario['ota'];

export function totalVehicles(s: Scenario): number {
  return s.depots.reduce((n, d) => n + d.vehicles, 0);
}
