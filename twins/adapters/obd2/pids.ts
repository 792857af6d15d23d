import type { LinearScale } from './linear';
import type { Target } from './reading-target';

/**
 * A service 01 PID whose value is one unsigned big-endian integer with a linear formula
 * (SAE J1979): physical = raw × scale + offset.
 */
export interface LinearPid extends LinearScale {
  pid: number;
  name: string;
  /** Data bytes after the PID byte. */
  bytes: 1 | 2 | 4;
  target: Target;
}

const percent = { scale: 100 / 255, offset: 0, decimals: 1 } as const;
const celsius = { scale: 1, offset: -40, decimals: 0 } as const;
const whole = { scale: 1, offset: 0, decimals: 0 } as const;

export const linearPids: readonly LinearPid[] = [
  { pid: 0x04, name: 'calculated engine load', bytes: 1, ...percent, target: { engine: 'loadPct' } },
  { pid: 0x05, name: 'engine coolant temperature', bytes: 1, ...celsius, target: { engine: 'coolantC' } },
  { pid: 0x0b, name: 'intake manifold absolute pressure', bytes: 1, ...whole, target: { attribute: 'intakeMapKpa' } },
  { pid: 0x0c, name: 'engine speed', bytes: 2, scale: 0.25, offset: 0, decimals: 2, target: { engine: 'rpm' } },
  { pid: 0x0d, name: 'vehicle speed', bytes: 1, ...whole, target: { attribute: 'obdSpeedKph' } },
  { pid: 0x0f, name: 'intake air temperature', bytes: 1, ...celsius, target: { engine: 'intakeAirC' } },
  { pid: 0x10, name: 'mass air flow rate', bytes: 2, scale: 0.01, offset: 0, decimals: 2, target: { attribute: 'mafGps' } },
  { pid: 0x11, name: 'throttle position', bytes: 1, ...percent, target: { engine: 'throttlePct' } },
  { pid: 0x1f, name: 'run time since engine start', bytes: 2, ...whole, target: { attribute: 'runTimeS' } },
  { pid: 0x21, name: 'distance travelled with MIL on', bytes: 2, ...whole, target: { attribute: 'milDistanceKm' } },
  { pid: 0x2f, name: 'fuel tank level input', bytes: 1, ...percent, target: { engine: 'fuelLevelPct' } },
  { pid: 0x31, name: 'distance travelled since codes cleared', bytes: 2, ...whole, target: { attribute: 'clearedDistanceKm' } },
  { pid: 0x33, name: 'absolute barometric pressure', bytes: 1, ...whole, target: { attribute: 'baroKpa' } },
  { pid: 0x42, name: 'control module voltage', bytes: 2, scale: 0.001, offset: 0, decimals: 3, target: { engine: 'batteryV' } },
  { pid: 0x46, name: 'ambient air temperature', bytes: 1, ...celsius, target: { attribute: 'ambientAirC' } },
  { pid: 0x5c, name: 'engine oil temperature', bytes: 1, ...celsius, target: { attribute: 'oilTempC' } },
  { pid: 0x5e, name: 'engine fuel rate', bytes: 2, scale: 0.05, offset: 0, decimals: 2, target: { attribute: 'fuelRateLph' } },
  { pid: 0xa6, name: 'odometer', bytes: 4, scale: 0.1, offset: 0, decimals: 1, target: { engine: 'odometerKm' } },
];

export const linearPidById: ReadonlyMap<number, LinearPid> = new Map(linearPids.map((p) => [p.pid, p]));

/** PID 01: monitor status since DTCs cleared; byte A holds the MIL bit and the stored-code count. */
export const MONITOR_STATUS_PID = 0x01;
export const MONITOR_STATUS_BYTES = 4;

/** PIDs 00, 20, 40 … E0 answer which PIDs the ECU supports: a bitmap of 4 bytes, nothing to report. */
export function isSupportedPidBitmap(pid: number): boolean {
  return pid % 0x20 === 0;
}
export const SUPPORTED_PID_BITMAP_BYTES = 4;

/** The attribute a PID FleetTwin has no formula for is kept under, as raw data hex. */
export function rawPidAttribute(service: number, pid: number): string {
  return `obdPid${service.toString(16).toUpperCase().padStart(2, '0')}_${pid.toString(16).toUpperCase().padStart(2, '0')}`;
}
export const RAW_PID_ATTRIBUTE = /^obdPid(0[19])_([0-9A-F]{2})$/;

export const MAX_RAW: Record<LinearPid['bytes'], number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };
