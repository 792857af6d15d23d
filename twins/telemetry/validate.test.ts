import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { referenceJsonAdapter, referenceMessageSchema } from '../adapters/reference-json';
import { Simulation } from '../../simulator/simulation';
import { createRandom, type Rng } from '../../simulator/world/random';
import { createWorld } from '../../simulator/world/world';
import { telemetrySchema, type Telemetry } from './schema';
import { fastParser, parseTelemetry } from './validate';

const START = Date.UTC(2025, 2, 3, 6, 0);

/** What the simulator's devices send (reference JSON messages) and the canonical records the ingress makes of them. */
function simulated(): { messages: unknown[]; records: Telemetry[] } {
  const sim = new Simulation({ world: createWorld(createRandom('validate'), { kind: 'monaco' }), vehicles: 3, devicesPerVehicle: 4, seed: 'validate', startMs: START });
  const messages: unknown[] = [];
  const records: Telemetry[] = [];
  sim.advanceTo(START + 900_000, (m) => {
    if (m.format !== 'json') return;
    messages.push(JSON.parse(new TextDecoder().decode(m.payload)));
    records.push(...referenceJsonAdapter.decode(m.payload, { vehicleId: m.vehicleId, deviceId: m.deviceId, receivedAt: m.ts }));
  });
  return { messages, records };
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

/** Mutated copies of `valid` through the fast parser and through zod: same verdict, same result, same first message. */
function expectSameAsZod<T>(schema: z.ZodType<T>, valid: unknown[], seed: string): void {
  const fast = fastParser(schema);
  const rng = createRandom(seed);
  let refused = 0;
  for (let i = 0; i < 20_000; i++) {
    const candidate = mutate(rng, valid[rng.int(0, valid.length - 1)] as Telemetry);
    const quick = fast(candidate);
    const zod = schema.safeParse(candidate);
    expect(quick.success, JSON.stringify(candidate)).toBe(zod.success);
    if (zod.success) expect(quick.data, JSON.stringify(candidate)).toEqual(zod.data);
    else {
      refused++;
      expect(quick.error?.issues[0]?.message).toBe(zod.error.issues[0]?.message);
    }
  }
  expect(refused).toBeGreaterThan(5_000);
}

describe('the fast schema check', () => {
  const { messages, records } = simulated();

  it('accepts every canonical record the simulator sends, and hands back the record itself', () => {
    expect(records.length).toBeGreaterThan(500);
    for (const record of records) {
      const parsed = parseTelemetry(record);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toBe(record);
    }
  });

  it('never accepts what zod refuses, and never differs from zod in what it returns: canonical records, mutated', () => {
    expectSameAsZod(telemetrySchema, records, 'validate-records');
  });

  it('never accepts what zod refuses, and never differs from zod in what it returns: reference device messages (strict), mutated', () => {
    expect(messages.length).toBeGreaterThan(500);
    expectSameAsZod(referenceMessageSchema, messages, 'validate-messages');
  });
});
