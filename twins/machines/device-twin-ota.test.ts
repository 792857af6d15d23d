import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../telemetry/schema';
import { VehicleTwinActor, type TwinEvent } from '../runtime/vehicle-twin-actor';

const timings = { staleMs: 60_000, offlineMs: 300_000 };

function reading(seq: number, extra: Partial<Telemetry> = {}): Telemetry {
  return { v: 1, vehicleId: 'V1', deviceId: 'V1-gps', deviceKind: 'gps', seq, deviceTime: 1_000 + seq, receivedAt: 1_000 + seq, format: 'json', ...extra };
}

function twin() {
  const actor = VehicleTwinActor.create('V1', timings);
  const emitted: TwinEvent[] = [];
  const send = (r: Telemetry) => emitted.push(...actor.apply(r, r.receivedAt).events);
  const device = () => actor.view().devices[0]!;
  return { device, emitted, send, ota: () => emitted.filter((e) => e.type === 'device.ota') };
}

const report = (state: NonNullable<Telemetry['ota']>['state'], reason?: string) => ({ ota: { campaignId: 'c1', version: '3.5.0', state, ...(reason ? { reason } : {}) } });

describe('device twin OTA state', () => {
  it('follows each OTA report and announces every change of state as device.ota', () => {
    const t = twin();
    t.send(reading(1, { firmware: 'FT-GPS 3.4.1' }));
    for (const [seq, state] of [[2, 'offered'], [3, 'downloading'], [4, 'verifying'], [5, 'installing'], [6, 'rebooting']] as const) t.send(reading(seq, report(state)));
    t.send(reading(7, { ...report('done'), firmware: 'FT-GPS 3.5.0' }));
    expect(t.ota().map((e) => (e.type === 'device.ota' ? e.state : ''))).toEqual(['offered', 'downloading', 'verifying', 'installing', 'rebooting', 'done']);
    expect(t.ota()[0]).toMatchObject({ deviceId: 'V1-gps', campaignId: 'c1', version: '3.5.0', reason: null });
    // The firmware change of the same reading is announced too, from the version before it.
    expect(t.emitted.filter((e) => e.type === 'device.firmware').at(-1)).toMatchObject({ from: 'FT-GPS 3.4.1', to: 'FT-GPS 3.5.0' });
    expect(t.device().ota).toMatchObject({ state: 'done', campaignId: 'c1', version: '3.5.0' });
  });

  it('a repeated report of the same state (a re-sent offer answered again) announces nothing new', () => {
    const t = twin();
    t.send(reading(1, report('refused', 'downgrade: 3.4.0 is older than 3.4.1')));
    t.send(reading(2, report('refused', 'downgrade: 3.4.0 is older than 3.4.1')));
    expect(t.ota()).toHaveLength(1);
    expect(t.ota()[0]).toMatchObject({ state: 'refused', reason: 'downgrade: 3.4.0 is older than 3.4.1' });
  });

  it('a late or duplicate report never moves the OTA state back', () => {
    const t = twin();
    t.send(reading(5, report('done')));
    t.send(reading(3, report('downloading')));
    t.send(reading(5, report('done')));
    expect(t.ota()).toHaveLength(1);
    expect(t.device().ota?.state).toBe('done');
  });

  it('a final report overtaken on the way by the next plain reading still ends the update', () => {
    const t = twin();
    t.send(reading(1, { firmware: 'FT-GPS 3.4.1' }));
    t.send(reading(6, report('rebooting')));
    t.send(reading(8, { position: { lat: 43.7, lon: 7.4 } }));
    t.send(reading(7, { ...report('done'), firmware: 'FT-GPS 3.5.0' }));
    expect(t.device().ota?.state).toBe('done');
    expect(t.device().firmware).toBe('FT-GPS 3.5.0');
    expect(t.ota().at(-1)).toMatchObject({ state: 'done' });
    // The newest reading is still the one shown as the device's last.
    expect(t.device().last?.seq).toBe(8);
  });

  it('readings without an OTA report keep the last one', () => {
    const t = twin();
    t.send(reading(1, report('failed', 'install failed')));
    t.send(reading(2, { position: { lat: 43.7, lon: 7.4 } }));
    expect(t.device().ota).toMatchObject({ state: 'failed', reason: 'install failed' });
  });
});
