import { describe, expect, it } from 'vitest';
import { referenceJsonAdapter } from '../adapters/reference-json';
import { Simulation } from '../../simulator/simulation';
import { createRandom, type Rng } from '../../simulator/world/random';
import { createWorld } from '../../simulator/world/world';
import { telemetrySchema, type Telemetry } from './schema';
import { parseTelemetry } from './validate';

const START = Date.UTC(2025, 2, 3, 6, 0);

/** Canonical records of every kind the simulator's devices send, decoded as the ingress does. */
function simulatedRecords(): Telemetry[] {
  const sim = new Simulation({ world: createWorld(createRandom('validate'), { kind: 'monaco' }), vehicles: 3, devicesPerVehicle: 4, seed: 'validate', startMs: START });
  const records: Telemetry[] = [];
  sim.advanceTo(START + 900_000, (m) => {
    if (m.format === 'json') records.push(...referenceJsonAdapter.decode(m.payload, { vehicleId: m.vehicleId, deviceId: m.deviceId, receivedAt: m.ts }));
  });
  return records;
}

const strange: unknown[] = [NaN, Infinity, -Infinity, null, undefined, '', 'x'.repeat(2000), '😀'.repeat(40), -1, 1.5, 2 ** 60, true, [], {}, { extra: 1 }, 'P0301', 'p0301'];

/** A deep copy of `record` with one value somewhere inside replaced, removed, or a key added. */
function mutate(rng: Rng, record: Telemetry): unknown {
  const copy = structuredClone(record) as Record<string, unknown>;
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const walk = (value: unknown) => {
    if (value && typeof value === 'object') {
      containers.push(value as Record<string, unknown>);
      for (const child of Object.values(value)) walk(child);
    }
  };
  walk(copy);
  const target = containers[rng.int(0, containers.length - 1)]!;
  if (Array.isArray(target)) {
    // Arrays as JSON has them: an element replaced or one added.
    target[rng.int(0, target.length)] = strange[rng.int(0, strange.length - 1)];
    return copy;
  }
  const keys = Object.keys(target);
  const key = rng.int(0, 4) === 0 || keys.length === 0 ? `added${rng.int(0, 3)}` : keys[rng.int(0, keys.length - 1)]!;
  if (rng.int(0, 5) === 0) delete (target as Record<string, unknown>)[key];
  else (target as Record<string, unknown>)[key] = strange[rng.int(0, strange.length - 1)];
  return copy;
}

describe('the fast telemetry check', () => {
  const records = simulatedRecords();

  it('accepts every canonical record the simulator sends, and hands back the record itself', () => {
    expect(records.length).toBeGreaterThan(500);
    for (const record of records) {
      const parsed = parseTelemetry(record);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toBe(record);
    }
  });

  it('never accepts what zod refuses, and never differs from zod in what it returns (mutated records)', () => {
    const rng = createRandom('validate-mutations');
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const candidate = mutate(rng, records[rng.int(0, records.length - 1)]!);
      const fast = parseTelemetry(candidate);
      const zod = telemetrySchema.safeParse(candidate);
      expect(fast.success, JSON.stringify(candidate)).toBe(zod.success);
      if (zod.success) expect(fast.data, JSON.stringify(candidate)).toEqual(zod.data);
      else {
        refused++;
        // A refusal is zod's own, with its message.
        expect(fast.error?.issues[0]?.message).toBe(zod.error.issues[0]?.message);
      }
    }
    expect(refused).toBeGreaterThan(5_000);
  });
});
