import type { Dtc } from '../telemetry/schema';

export type HealthLevel = 'ok' | 'warn' | 'critical';
export interface HealthVerdict {
  level: HealthLevel;
  reasons: string[];
}

/** The latest values health is judged on; every field optional because devices vary. */
export interface HealthInputs {
  engineOn: boolean | null;
  coolantC?: number;
  oilPressureKpa?: number;
  batteryV?: number;
  fuelLevelPct?: number;
  tyresKpa: Record<string, number>;
  cargoTempC: number[];
  dtcs: Dtc[];
}

/** Thresholds for light commercial vehicles; a fleet may tune them later per model. */
export const healthThresholds = {
  coolantWarnC: 105,
  coolantCriticalC: 115,
  oilPressureCriticalKpa: 70,
  chargingMinV: 13.0,
  batteryWarnV: 11.8,
  batteryCriticalV: 11.0,
  fuelWarnPct: 10,
  tyreWarnKpa: 200,
  tyreCriticalKpa: 160,
  cargoWarnC: 8,
  cargoCriticalC: 12,
} as const;

/** OBD-II codes that mean "stop the vehicle": overheating, oil pressure, severe misfire. */
const criticalObdCodes = new Set(['P0217', 'P0218', 'P0520', 'P0521', 'P0522', 'P0523', 'P0524', 'P0300', 'P1299']);
/** J1939 FMIs 1 and 0 are "below/above the most severe level" of a measured value. */
const criticalFmis = new Set([0, 1]);

export function dtcLabel(dtc: Dtc): string {
  return dtc.system === 'obd2' ? dtc.code : `SPN${dtc.spn}-FMI${dtc.fmi}`;
}

/** Is the code, as dtcLabel writes it (P0217, SPN100-FMI1), one that makes a twin critical? */
export function isCriticalDtcLabel(label: string): boolean {
  const j1939 = /^SPN\d+-FMI(\d+)$/.exec(label);
  return j1939 ? criticalFmis.has(Number(j1939[1])) : criticalObdCodes.has(label);
}

export function judgeHealth(inputs: HealthInputs): HealthVerdict {
  const t = healthThresholds;
  const critical: string[] = [];
  const warn: string[] = [];
  const { coolantC, oilPressureKpa, batteryV, fuelLevelPct } = inputs;

  if (coolantC !== undefined) {
    if (coolantC >= t.coolantCriticalC) critical.push(`coolant ${coolantC} °C`);
    else if (coolantC >= t.coolantWarnC) warn.push(`coolant ${coolantC} °C`);
  }
  if (inputs.engineOn && oilPressureKpa !== undefined && oilPressureKpa < t.oilPressureCriticalKpa) {
    critical.push(`oil pressure ${oilPressureKpa} kPa`);
  }
  if (batteryV !== undefined) {
    if (inputs.engineOn && batteryV < t.chargingMinV) warn.push(`not charging: ${batteryV} V`);
    if (!inputs.engineOn && batteryV < t.batteryCriticalV) critical.push(`battery ${batteryV} V`);
    else if (!inputs.engineOn && batteryV < t.batteryWarnV) warn.push(`battery ${batteryV} V`);
  }
  if (fuelLevelPct !== undefined && fuelLevelPct < t.fuelWarnPct) warn.push(`fuel ${fuelLevelPct} %`);
  for (const [position, kpa] of Object.entries(inputs.tyresKpa)) {
    if (kpa < t.tyreCriticalKpa) critical.push(`tyre ${position} ${kpa} kPa`);
    else if (kpa < t.tyreWarnKpa) warn.push(`tyre ${position} ${kpa} kPa`);
  }
  const hottestCargo = inputs.cargoTempC.length ? Math.max(...inputs.cargoTempC) : undefined;
  if (hottestCargo !== undefined) {
    if (hottestCargo > t.cargoCriticalC) critical.push(`cargo ${hottestCargo} °C`);
    else if (hottestCargo > t.cargoWarnC) warn.push(`cargo ${hottestCargo} °C`);
  }
  for (const dtc of inputs.dtcs) {
    const isCritical = dtc.system === 'obd2' ? criticalObdCodes.has(dtc.code) : criticalFmis.has(dtc.fmi);
    (isCritical ? critical : warn).push(`DTC ${dtcLabel(dtc)}`);
  }
  if (critical.length) return { level: 'critical', reasons: [...critical, ...warn] };
  if (warn.length) return { level: 'warn', reasons: warn };
  return { level: 'ok', reasons: [] };
}
