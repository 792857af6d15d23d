import { z } from 'zod';
import { idSchema } from '../../twins/telemetry/schema';
import { isCriticalDtcLabel } from '../../twins/machines/health-rules';
import type { WorkOrderTrigger } from './types';

/**
 * Pure decisions of the work-order starter: which EVENTS messages open an order, for which
 * component, with which risk. The I/O (consumer, twin query, Temporal) is in starter.ts.
 */

/** A critical fault is likely to stop the vehicle: high enough to skip approval by default. */
export const CRITICAL_DTC_RISK = 0.9;
export const SERVICE_DUE_RISK = 0.3;
/** Event kind reserved for the predictive model's alerts: evt.predictive_alert.<vehicleId>. */
export const PREDICTIVE_ALERT_KIND = 'predictive_alert';

const eventBase = z.object({ id: z.string().min(1), vehicleId: idSchema, at: z.number().int().nonnegative() });
export const dtcEventSchema = eventBase.extend({ kind: z.literal('dtc'), deviceId: z.string(), raised: z.array(z.string()), cleared: z.array(z.string()) });
export const motionEventSchema = eventBase.extend({ kind: z.literal('motion'), from: z.string(), to: z.string() });
export const predictiveAlertSchema = eventBase.extend({
  kind: z.literal(PREDICTIVE_ALERT_KIND),
  component: z.string().regex(/^[a-z0-9_]{1,40}$/, 'component: 1-40 of a-z 0-9 _'),
  risk: z.number().min(0).max(1),
  modelVersion: z.string().optional(),
  reason: z.string().max(500).optional(),
});

export interface OrderRequest {
  vehicleId: string;
  component: string;
  trigger: WorkOrderTrigger;
}

/**
 * The component a trouble code is about, from the code's family: OBD-II P0 codes by their
 * subsystem digit (SAE J2012), J1939 by SPN. Work orders are one per vehicle and component.
 */
export function componentOfDtc(label: string): string {
  const known: Record<string, string> = { P0217: 'cooling', P1299: 'cooling', P0218: 'transmission', P0300: 'ignition' };
  if (known[label]) return known[label];
  if (/^P052[0-4]$/.test(label)) return 'lubrication';
  const obd = /^P[0-3]([0-9A-F])/.exec(label);
  if (obd) {
    const families: Record<string, string> = {
      '0': 'fuel_air', '1': 'fuel_air', '2': 'fuel_air', '3': 'ignition', '4': 'emissions',
      '5': 'idle_control', '6': 'ecu', '7': 'transmission', '8': 'transmission', '9': 'transmission',
    };
    return families[obd[1]!] ?? 'powertrain';
  }
  const spn = /^SPN(\d+)-FMI\d+$/.exec(label);
  if (spn) return `spn${spn[1]}`;
  return 'other';
}

/** Critical trouble codes newly raised by a `dtc` event: one order request per component. */
export function ordersFromDtcEvent(event: z.infer<typeof dtcEventSchema>): OrderRequest[] {
  const byComponent = new Map<string, string[]>();
  for (const label of event.raised.filter(isCriticalDtcLabel)) {
    const component = componentOfDtc(label);
    byComponent.set(component, [...(byComponent.get(component) ?? []), label]);
  }
  return [...byComponent].map(([component, codes]) => ({
    vehicleId: event.vehicleId,
    component,
    trigger: {
      origin: 'dtc',
      triggerId: `dtc.${event.vehicleId}.${event.id}.${component}`,
      reason: `critical DTC ${codes.join(', ')}`,
      risk: CRITICAL_DTC_RISK,
      at: event.at,
      details: { deviceId: event.deviceId, codes },
    },
  }));
}

export function orderFromPredictiveAlert(event: z.infer<typeof predictiveAlertSchema>): OrderRequest {
  return {
    vehicleId: event.vehicleId,
    component: event.component,
    trigger: {
      origin: 'predictive',
      triggerId: `predictive.${event.vehicleId}.${event.id}`,
      reason: event.reason ?? `predicted ${event.component} failure, risk ${event.risk.toFixed(2)}`,
      risk: event.risk,
      at: event.at,
      details: { ...(event.modelVersion ? { modelVersion: event.modelVersion } : {}) },
    },
  };
}

export interface ServiceIntervals {
  km: number;
  engineHours: number;
  days: number;
}

export interface ServiceState {
  odometerKm: number | null;
  engineHours: number | null;
  /** Last full service; null: never serviced, counted from zero and from `since`. */
  last: { at: number; odometerKm: number | null; engineHours: number | null } | null;
  /** When the vehicle entered the fleet (registry), for the calendar when it has no service yet. */
  since: number | null;
}

/**
 * Is a service due, and why? Counted from the last service (or from zero / joining the fleet).
 * The trigger id names the service it is due after, so the same due service is one trigger
 * however many times it is checked.
 */
export function serviceDue(vehicleId: string, state: ServiceState, intervals: ServiceIntervals, now: number): OrderRequest | null {
  const reasons: string[] = [];
  const km = state.odometerKm !== null ? state.odometerKm - (state.last?.odometerKm ?? 0) : null;
  if (km !== null && km >= intervals.km) reasons.push(`${Math.round(km)} km since last service (interval ${intervals.km} km)`);
  const hours = state.engineHours !== null ? state.engineHours - (state.last?.engineHours ?? 0) : null;
  if (hours !== null && hours >= intervals.engineHours) reasons.push(`${Math.round(hours)} engine hours since last service (interval ${intervals.engineHours} h)`);
  const from = state.last?.at ?? state.since;
  const days = from !== null ? (now - from) / 86_400_000 : null;
  if (days !== null && days >= intervals.days) reasons.push(`${Math.floor(days)} days since ${state.last ? 'last service' : 'joining the fleet'} (interval ${intervals.days} days)`);
  if (reasons.length === 0) return null;
  return {
    vehicleId,
    component: 'service',
    trigger: {
      origin: 'service_due',
      triggerId: `service_due.${vehicleId}.${state.last?.at ?? 'never'}`,
      reason: `service due: ${reasons.join('; ')}`,
      risk: SERVICE_DUE_RISK,
      at: now,
      details: { odometerKm: state.odometerKm, engineHours: state.engineHours, lastServiceAt: state.last?.at ?? null },
    },
  };
}
