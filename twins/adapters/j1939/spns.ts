import type { LinearScale } from '../obd2/linear';
import type { Target } from '../obd2/reading-target';

/**
 * A suspect parameter (SAE J1939-71) that is one unsigned little-endian integer with a linear
 * formula: physical = raw × scale + offset. `start` is the 1-based byte position the standard
 * gives; `bytes` its length.
 */
export interface LinearSpn extends LinearScale {
  spn: number;
  pgn: number;
  name: string;
  start: number;
  bytes: 1 | 2 | 4;
  target: Target;
  /** A coarser source of the same value: left out when `yieldsTo` is in the same message. */
  yieldsTo?: number;
}

export const PGN = {
  EEC2: 61443,
  EEC1: 61444,
  VDHR: 65217,
  DM1: 65226,
  VD: 65248,
  HOURS: 65253,
  ET1: 65262,
  EFL_P1: 65263,
  CCVS1: 65265,
  LFE: 65266,
  AMB: 65269,
  IC1: 65270,
  VEP1: 65271,
  DD: 65276,
  TP_CM: 60416,
  TP_DT: 60160,
} as const;

const celsius1 = { bytes: 1, scale: 1, offset: -40, decimals: 0 } as const;
const celsiusFine = { bytes: 2, scale: 0.03125, offset: -273, decimals: 2 } as const;
const percent04 = { bytes: 1, scale: 0.4, offset: 0, decimals: 1 } as const;

export const linearSpns: readonly LinearSpn[] = [
  { spn: 190, pgn: PGN.EEC1, name: 'engine speed', start: 4, bytes: 2, scale: 0.125, offset: 0, decimals: 3, target: { engine: 'rpm' } },
  { spn: 513, pgn: PGN.EEC1, name: 'actual engine percent torque', start: 3, bytes: 1, scale: 1, offset: -125, decimals: 0, target: { attribute: 'engineTorquePct' } },
  { spn: 91, pgn: PGN.EEC2, name: 'accelerator pedal position 1', start: 2, ...percent04, target: { engine: 'throttlePct' } },
  { spn: 92, pgn: PGN.EEC2, name: 'engine percent load at current speed', start: 3, bytes: 1, scale: 1, offset: 0, decimals: 0, target: { engine: 'loadPct' } },
  // The twin takes obdSpeedKph as the speed of a reading without a GNSS speed.
  { spn: 84, pgn: PGN.CCVS1, name: 'wheel-based vehicle speed', start: 2, bytes: 2, scale: 1 / 256, offset: 0, decimals: 3, target: { attribute: 'obdSpeedKph' } },
  { spn: 110, pgn: PGN.ET1, name: 'engine coolant temperature', start: 1, ...celsius1, target: { engine: 'coolantC' } },
  { spn: 175, pgn: PGN.ET1, name: 'engine oil temperature 1', start: 3, ...celsiusFine, target: { attribute: 'oilTempC' } },
  { spn: 100, pgn: PGN.EFL_P1, name: 'engine oil pressure', start: 4, bytes: 1, scale: 4, offset: 0, decimals: 0, target: { engine: 'oilPressureKpa' } },
  { spn: 96, pgn: PGN.DD, name: 'fuel level 1', start: 2, ...percent04, target: { engine: 'fuelLevelPct' } },
  { spn: 244, pgn: PGN.VD, name: 'trip distance', start: 1, bytes: 4, scale: 0.125, offset: 0, decimals: 3, target: { attribute: 'tripDistanceKm' } },
  { spn: 245, pgn: PGN.VD, name: 'total vehicle distance', start: 5, bytes: 4, scale: 0.125, offset: 0, decimals: 3, target: { engine: 'odometerKm' }, yieldsTo: 917 },
  { spn: 917, pgn: PGN.VDHR, name: 'high resolution total vehicle distance', start: 1, bytes: 4, scale: 0.005, offset: 0, decimals: 3, target: { engine: 'odometerKm' } },
  { spn: 247, pgn: PGN.HOURS, name: 'engine total hours of operation', start: 1, bytes: 4, scale: 0.05, offset: 0, decimals: 2, target: { engine: 'engineHours' } },
  { spn: 168, pgn: PGN.VEP1, name: 'battery potential / power input 1', start: 5, bytes: 2, scale: 0.05, offset: 0, decimals: 2, target: { engine: 'batteryV' } },
  { spn: 105, pgn: PGN.IC1, name: 'engine intake manifold 1 temperature', start: 3, ...celsius1, target: { engine: 'intakeAirC' } },
  { spn: 183, pgn: PGN.LFE, name: 'engine fuel rate', start: 1, bytes: 2, scale: 0.05, offset: 0, decimals: 2, target: { attribute: 'fuelRateLph' } },
  { spn: 171, pgn: PGN.AMB, name: 'ambient air temperature', start: 4, ...celsiusFine, target: { attribute: 'ambientAirC' } },
];

export const spnsByPgn: ReadonlyMap<number, readonly LinearSpn[]> = linearSpns.reduce((map, s) => {
  map.set(s.pgn, [...(map.get(s.pgn) ?? []), s]);
  return map;
}, new Map<number, LinearSpn[]>());

/**
 * J1939-71 reserves the top of each range: above FAh (1 byte), FAFFh (2) or FAFFFFFFh (4) a
 * value is an error indicator (FEh…) or "not available" (FFh…), never data.
 */
export const MAX_VALID_RAW: Record<LinearSpn['bytes'], number> = { 1: 0xfa, 2: 0xfaff, 4: 0xfaffffff };

/** Unsigned little-endian, as J1939 sends multi-byte parameters. */
export function readLittleEndian(data: Uint8Array, offset: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + (data[offset + i] ?? 0);
  return value;
}
