import type { MaintenanceWindow } from './types';

/** What a twin says about a vehicle, as far as maintenance windows care. */
export interface VehicleTwinState {
  motion: string | null;
  connectivity: string | null;
}

/** The hour (0-23) at `now` in an IANA time zone; an unknown zone counts as UTC. */
export function localHour(now: Date, timeZone: string): number {
  try {
    return Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(now));
  } catch {
    return now.getUTCHours();
  }
}

/** fromHour > toHour wraps midnight: 22 → 5 is 22:00-04:59. */
export function withinHours(hour: number, hours: { fromHour: number; toHour: number }): boolean {
  const { fromHour, toHour } = hours;
  if (fromHour === toHour) return true;
  return fromHour < toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

/**
 * May a device on this vehicle update now? Only a parked, reachable vehicle (its twin says so;
 * no twin means no) within the depot's local hours.
 */
export function inWindow(window: MaintenanceWindow, twin: VehicleTwinState | null, timeZone: string, now: Date): boolean {
  if (window.requireParked && (twin?.motion !== 'parked' || twin.connectivity !== 'online')) return false;
  if (window.localHours && !withinHours(localHour(now, timeZone), window.localHours)) return false;
  return true;
}
