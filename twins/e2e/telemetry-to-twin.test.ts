import { describe, expect, it } from 'vitest';
import distance from '@turf/distance';
import { adapters } from '../adapters/registry';
import { GeofenceStore } from '../geofences/geofence-store';
import { MAX_RANGES } from '../machines/seq-ranges';
import { deadLetterHeaders, subjects } from '../bus/subjects';
import { type DeadLetterCase, expectDeadLettered, pipelineForFile, waitFor } from './harness';

const { harness, run } = pipelineForFile('e2e');

function reading(seq: number, ts: number, fields: Record<string, unknown>, kind = 'gps') {
  return JSON.stringify({ v: 1, seq, ts, kind, ...fields });
}

describe('MQTT → ingress → JetStream → twin, on the real servers', () => {
  it('telemetry from a few devices is visible in their twins within a second', async () => {
    const t0 = Date.now();
    const vehicles = [1, 2, 3].map((n) => `E${run}V${n}`);
    for (const [i, v] of vehicles.entries()) {
      await harness.send(`fleet/${v}/${v}-gps/json`, reading(1, t0, { position: { lat: 43.73 + i / 1000, lon: 7.42, speedKph: 42, headingDeg: 180 } }));
      await harness.send(`fleet/${v}/${v}-obd/json`, reading(1, t0, { engine: { ignition: true, rpm: 1800, coolantC: 88, odometerKm: 1000 + i } }, 'obd'));
    }
    const sentAt = Date.now();
    const twins = await waitFor(async () => {
      const all = await Promise.all(vehicles.map((v) => harness.twin(v)));
      return all.every((t) => t?.context.odometerKm > 0 && t.devices.length === 2) ? all : undefined;
    }, 1000);
    expect(Date.now() - sentAt).toBeLessThan(1000);
    twins.forEach((twin, i) => {
      expect(twin.state).toEqual({ motion: 'driving', connectivity: 'online', health: 'ok', maintenance: 'none' });
      expect(twin.context.position).toMatchObject({ lat: 43.73 + i / 1000, lon: 7.42, speedKph: 42, headingDeg: 180 });
      expect(twin.context.odometerKm).toBe(1000 + i);
      expect(twin.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual([`${vehicles[i]}-gps`, `${vehicles[i]}-obd`]);
    });
  });

  it('malformed messages land in the dead-letter stream with their reason and raw bytes', async () => {
    const v = `E${run}BAD`;
    const bad: DeadLetterCase[] = [
      [`fleet/${v}/${v}-gps/json`, '{"v":1,"seq":1', 'bad_json'],
      [`fleet/${v}/${v}-gps/json`, reading(1, Date.now(), { position: { lat: 123, lon: 7 } }), 'bad_fields'],
      [`fleet/${v}/${v}-gps/json`, reading(1, Date.now(), { colour: 'red' }), 'bad_fields'],
      [`fleet/${v}/${v}-gps/xml`, '<gps/>', 'unknown_format'],
      [`fleet/${v}/json`, reading(1, Date.now(), {}), 'bad_topic'],
      [`fleet/${v}/bad.device/json`, reading(1, Date.now(), {}), 'bad_topic'],
      [`fleet/${v}/${v}-gps/json`, new Uint8Array([0xff, 0xfe, 0x00, 0x80]), 'not_utf8'],
    ];
    await expectDeadLettered(harness, bad);
    expect(await harness.twin(v)).toBeUndefined();
  });

  it('a duplicate reading sent three times is applied once', async () => {
    const v = `E${run}DUP`;
    const t0 = Date.now();
    const first = reading(1, t0, { position: { lat: 43.7300, lon: 7.42, speedKph: 30 } });
    const second = reading(2, t0 + 10_000, { position: { lat: 43.7310, lon: 7.42, speedKph: 30 } });
    for (const payload of [first, second, second, second, first]) await harness.send(`fleet/${v}/${v}-gps/json`, payload);
    const twin = await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === 2, 2000);
    const km = distance([7.42, 43.73], [7.42, 43.731], { units: 'kilometers' });
    expect(twin.context.readings).toEqual({ inOrder: 2, late: 0 });
    expect(twin.context.odometerKm).toBeCloseTo(km, 9);
  });

  it('an older message after a newer one leaves position and odometer as they were', async () => {
    const v = `E${run}OOO`;
    const t0 = Date.now();
    const topic = `fleet/${v}/${v}-gps/json`;
    await harness.send(topic, reading(1, t0, { position: { lat: 43.7300, lon: 7.42, speedKph: 30 } }));
    await harness.send(topic, reading(3, t0 + 20_000, { position: { lat: 43.7320, lon: 7.42, speedKph: 30 } }));
    const before = await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === 3, 2000);
    await harness.send(topic, reading(2, t0 + 10_000, { position: { lat: 43.7310, lon: 7.42, speedKph: 30 }, harsh: [{ kind: 'braking', g: 0.6 }] }));
    const after = await harness.twinWhen(v, (t) => t.context.readings.late === 1, 2000);
    expect(after.context.position).toEqual(before.context.position);
    expect(after.context.odometerKm).toBe(before.context.odometerKm);
    expect(after.context.harsh.braking).toBe(1);
  });

  it('a reading reordered deeper than its twin can tell is dead-lettered as too old, not silently dropped', async () => {
    const v = `E${run}DEEP`;
    const topic = `fleet/${v}/${v}-gps/json`;
    const t0 = Date.now();
    // Every other reading held back: more one-reading gaps than the twin keeps, the oldest closed first.
    const odd = Array.from({ length: MAX_RANGES + 40 }, (_, i) => 2 * i + 1);
    for (const seq of odd) await harness.send(topic, reading(seq, t0 + seq * 1000, { position: { lat: 43.73, lon: 7.42, speedKph: 0 } }));
    await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === odd.at(-1), 10_000);
    await harness.markDeadLetters();
    const held = reading(2, t0 + 2000, { position: { lat: 43.73, lon: 7.42, speedKph: 0 } });
    await harness.send(topic, held);
    const [letter, ...extra] = await harness.deadLetters(1);
    expect(extra).toHaveLength(0);
    expect(letter!.subject).toBe(subjects.deadLetter('twin', 'too_old'));
    expect(letter!.headers?.get(deadLetterHeaders.stage)).toBe('twin');
    expect(letter!.headers?.get(deadLetterHeaders.detail)).toContain(`${v}-gps seq 2`);
    expect(JSON.parse(letter!.string())).toMatchObject({ vehicleId: v, deviceId: `${v}-gps`, seq: 2 });
    const twin = await harness.twinWhen(v, (t) => t.devices[0]?.counts.tooOld === 1, 2000);
    const { inOrder, late, tooOld } = twin.devices[0].counts;
    expect({ applied: inOrder + late, tooOld }).toEqual({ applied: odd.length, tooOld: 1 });
  });

  it('random bytes and truncated packets never stop the ingress; each one is dead-lettered', async () => {
    const v = `E${run}FUZ`;
    const valid = reading(1, Date.now(), { position: { lat: 43.73, lon: 7.42, speedKph: 10 } });
    const fuzz: Array<[string, Uint8Array]> = [];
    let seed = 0x2f6b1d;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Every registered format gets garbage; random bytes that happen to decode would be a finding.
    for (const format of adapters.keys()) {
      for (let i = 0; i < 20; i++) {
        const bytes = new Uint8Array(1 + Math.floor(rand() * 300));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
        fuzz.push([`fleet/${v}/${v}-${format}/${format}`, bytes]);
      }
    }
    for (let cut = 1; cut < valid.length; cut += 7) fuzz.push([`fleet/${v}/${v}-gps/json`, Buffer.from(valid.slice(0, cut))]);
    await harness.markDeadLetters();
    for (const [topic, payload] of fuzz) await harness.send(topic, payload);
    const letters = await harness.deadLetters(fuzz.length, 10_000);
    expect(letters.length).toBe(fuzz.length);
    expect(letters.every((m) => m.headers?.get(deadLetterHeaders.topic)?.startsWith(`fleet/${v}/`))).toBe(true);
    expect(new Set(letters.map((m) => m.headers?.get(deadLetterHeaders.topic)))).toEqual(new Set(fuzz.map(([t]) => t)));
    // Still alive and still applying.
    await harness.send(`fleet/${v}/${v}-gps/json`, valid);
    const twin = await waitFor(() => harness.twin(v), 2000);
    expect(twin.devices[0].lastSeq).toBe(1);
  });

  it('a geofence added while the host runs: a vehicle driving into it is reported in it, and the breach reaches EVENTS', async () => {
    const v = `E${run}GEO`;
    const fenceId = `school-${run}`.toLowerCase();
    const t0 = Date.now();
    const store = await GeofenceStore.open(harness.nc);
    const events: Array<{ entered: string[]; exited: string[]; breaches: string[] }> = [];
    const sub = harness.nc.subscribe(subjects.event('geofence', v), { callback: (_err, msg) => void events.push(msg.json()) });
    try {
      await harness.send(`fleet/${v}/${v}-gps/json`, reading(1, t0, { position: { lat: 43.732, lon: 7.42, speedKph: 30 } }));
      await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === 1, 2000);
      const fencesBefore = harness.host.status().geofences;
      await store.put({ id: fenceId, name: 'School', rule: 'keep_out', polygon: [[7.425, 43.73], [7.43, 43.73], [7.43, 43.735], [7.425, 43.735], [7.425, 43.73]] });
      await waitFor(() => (harness.host.status().geofences > fencesBefore ? true : undefined), 2000);

      await harness.send(`fleet/${v}/${v}-gps/json`, reading(2, t0 + 10_000, { position: { lat: 43.732, lon: 7.427, speedKph: 30 } }));
      const inside = await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === 2, 2000);
      expect(inside.context.geofences).toEqual([fenceId]);
      await waitFor(() => (events.length >= 1 ? true : undefined), 2000);
      expect(events[0]).toMatchObject({ kind: 'geofence', vehicleId: v, entered: [fenceId], exited: [], breaches: [fenceId] });

      // Deleted, the fence is no longer reported, and leaving where it was is no event.
      await store.remove(fenceId);
      await waitFor(() => (harness.host.status().geofences === fencesBefore ? true : undefined), 2000);
      await harness.send(`fleet/${v}/${v}-gps/json`, reading(3, t0 + 20_000, { position: { lat: 43.732, lon: 7.435, speedKph: 30 } }));
      const outside = await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === 3, 2000);
      expect(outside.context.geofences).toEqual([]);
      expect(events).toHaveLength(1);
    } finally {
      sub.unsubscribe();
      await store.remove(fenceId);
    }
  });
});
