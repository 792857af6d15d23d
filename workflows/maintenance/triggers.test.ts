import { describe, expect, it } from 'vitest';
import { componentOfDtc, ordersFromDtcEvent, orderFromPredictiveAlert, predictiveAlertSchema, serviceDue } from './triggers';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23);
const intervals = { km: 30_000, engineHours: 500, days: 365 };

describe('work-order triggers', () => {
  it('only critical codes open orders, one per component, with the codes that raised it', () => {
    const orders = ordersFromDtcEvent({ id: 't9.0', kind: 'dtc', vehicleId: 'V1', deviceId: 'V1-obd', raised: ['P0133', 'P0217', 'P1299', 'P0521', 'SPN100-FMI1', 'SPN100-FMI5'], cleared: [], at: now });
    expect(orders.map((o) => [o.component, o.trigger.reason, o.trigger.triggerId])).toEqual([
      ['cooling', 'critical DTC P0217, P1299', 'dtc.V1.t9.0.cooling'],
      ['lubrication', 'critical DTC P0521', 'dtc.V1.t9.0.lubrication'],
      ['spn100', 'critical DTC SPN100-FMI1', 'dtc.V1.t9.0.spn100'],
    ]);
    expect(ordersFromDtcEvent({ id: 'x', kind: 'dtc', vehicleId: 'V1', deviceId: 'd', raised: [], cleared: ['P0217'], at: now })).toEqual([]);
  });

  it('a trouble code maps to its component family', () => {
    expect(['P0300', 'P0171', 'P0420', 'P0700', 'P0601', 'U0100'].map(componentOfDtc)).toEqual(['ignition', 'fuel_air', 'emissions', 'transmission', 'ecu', 'other']);
  });

  it('a predictive alert opens an order with the model risk, and a malformed one is refused with the field', () => {
    const alert = predictiveAlertSchema.parse({ id: 'p1', kind: 'predictive_alert', vehicleId: 'V1', at: now, component: 'brakes', risk: 0.72, modelVersion: 'rf-3' });
    expect(orderFromPredictiveAlert(alert)).toMatchObject({ component: 'brakes', trigger: { origin: 'predictive', risk: 0.72, details: { modelVersion: 'rf-3' } } });
    const bad = predictiveAlertSchema.safeParse({ id: 'p1', kind: 'predictive_alert', vehicleId: 'V1', at: now, component: 'Brakes!', risk: 3 });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual(['component', 'risk']);
  });

  it('service is due by km, engine hours or calendar since the last service, and one trigger id per due service', () => {
    const last = { at: now - 100 * DAY, odometerKm: 50_000, engineHours: 1_000 };
    expect(serviceDue('V1', { odometerKm: 79_000, engineHours: 1_400, last, since: null }, intervals, now)).toBeNull();
    const byKm = serviceDue('V1', { odometerKm: 80_500, engineHours: 1_400, last, since: null }, intervals, now)!;
    expect(byKm.trigger.reason).toBe('service due: 30500 km since last service (interval 30000 km)');
    expect(serviceDue('V1', { odometerKm: 81_000, engineHours: 1_400, last, since: null }, intervals, now + DAY)!.trigger.triggerId).toBe(byKm.trigger.triggerId);
    expect(serviceDue('V1', { odometerKm: 60_000, engineHours: 1_600, last, since: null }, intervals, now)!.trigger.reason).toContain('600 engine hours');
    expect(serviceDue('V1', { odometerKm: null, engineHours: null, last: null, since: now - 400 * DAY }, intervals, now)!.trigger.reason).toContain('400 days since joining the fleet');
    expect(serviceDue('V1', { odometerKm: null, engineHours: null, last: null, since: null }, intervals, now)).toBeNull();
  });
});
