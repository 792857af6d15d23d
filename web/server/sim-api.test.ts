import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../../twins/bus/connect';
import { simStartResponse, simStatusResponse, simStopResponse, type SimStatus } from './sim-api';
import { PlatformMeter, SimControl } from './sim-control';

/** The simulator-control API: bad runs refused, a real `fleet sim` started, measured over NATS and stopped. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const control = new SimControl(repoRoot);
const meter = new PlatformMeter();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'web-sim-test');
});
afterAll(async () => {
  control.stop();
  await nc?.close();
});

const post = (body: unknown) => new Request('http://web/api/sim', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const status = async () => (await (await simStatusResponse(control, meter, nc)).json()) as SimStatus;

describe('simulator control API', () => {
  it('refuses runs out of range, unknown faults and stopping nothing, naming the problem', async () => {
    const tooMany = await simStartResponse(control, post({ vehicles: 50_000 }), nc);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/body\.vehicles/);
    const fault = await simStartResponse(control, post({ vehicles: 2, faults: { meteorRate: 1 } }), nc);
    expect(fault.status).toBe(400);
    expect(((await fault.json()) as { error: string }).error).toMatch(/meteorRate/);
    expect((await simStartResponse(control, post({ vehicles: 2, faults: { duplicateRate: 2 } }), nc)).status).toBe(400);
    expect(simStopResponse(control).status).toBe(409);
  });

  it('starts a real fleet sim run that answers fleet.health, refuses a second one, and stops it', { timeout: 90_000 }, async () => {
    await status(); // the meter's first sample
    const started = await simStartResponse(control, post({ vehicles: 2, devicesPerVehicle: 1, durationS: 120, seed: 'web-sim-test', firstVehicle: 880_000 }), nc);
    expect(started.status).toBe(201);
    expect((await simStartResponse(control, post({ vehicles: 1 }), nc)).status).toBe(409);
    // The simulator reports over NATS once its devices are connected.
    const deadline = Date.now() + 60_000;
    let seen: SimStatus | undefined;
    while (Date.now() < deadline) {
      seen = await status();
      if (seen.rates && seen.rates.simulators === 1 && seen.rates.connected === 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen?.rates).toMatchObject({ simulators: 1, devices: 2, connected: 2 });
    expect(seen?.run).toMatchObject({ exitedAt: null, args: expect.arrayContaining(['--vehicles', '2', '--first-vehicle', '880000']) });

    // A second web server's run may not drive the same vehicles (same MQTT client ids); without a
    // first vehicle it starts after them.
    const other = new SimControl(repoRoot);
    try {
      const overlapping = await simStartResponse(other, post({ vehicles: 1, firstVehicle: 880_001 }), nc);
      expect(overlapping.status).toBe(409);
      expect(((await overlapping.json()) as { error: string }).error).toMatch(/V880000–V880001 are simulated already.*start from vehicle 880002/);
      const after = await simStartResponse(other, post({ vehicles: 1, devicesPerVehicle: 1, durationS: 30 }), nc);
      expect(after.status).toBe(201);
      const args = other.run?.args ?? [];
      expect(Number(args[args.indexOf('--first-vehicle') + 1])).toBeGreaterThanOrEqual(880_002);
    } finally {
      other.stop();
    }

    expect(simStopResponse(control).status).toBe(200);
    const stopDeadline = Date.now() + 30_000;
    while (control.run?.exitedAt === null && Date.now() < stopDeadline) await new Promise((r) => setTimeout(r, 200));
    expect(control.run?.exitedAt).not.toBeNull();
  });
});
