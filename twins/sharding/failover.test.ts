import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { connectNats, ensureStreams } from '../bus/connect';
import { partitionOf, subjects } from '../bus/subjects';
import { waitFor } from '../e2e/harness';
import { TelemetryPublisher } from '../ingress/publisher';
import { collectHostStatus, type HostStatus } from '../runtime/host-status';
import { fairShare } from './plan';
import type { Telemetry } from '../telemetry/schema';

const config = loadConfig();
const P = config.FLEET_PARTITIONS;
const TTL_MS = 4000;
const run = randomBytes(3).toString('hex').toUpperCase();
const hosts = new Map<string, ChildProcess>();
let nc: NatsConnection;

function startHost(id: string): ChildProcess {
  // Each host's log goes to a file, for reading after a failure.
  mkdirSync('test-results', { recursive: true });
  const log = openSync(`test-results/twin-host-${id}.log`, 'w');
  const child = spawn(process.execPath, ['bin/fleet.mjs', 'twin-host', '--host-id', id], {
    env: { ...process.env, FLEET_METRICS_PORT: '0', FLEET_LEASE_TTL_MS: String(TTL_MS), FLEET_SNAPSHOT_EVERY_MS: '1500', FLEET_LOG_LEVEL: 'info', FLEET_LOG_FORMAT: 'json' },
    stdio: ['ignore', log, log],
  });
  hosts.set(id, child);
  return child;
}

async function statusOf(ids: string[]): Promise<Map<string, HostStatus>> {
  const all = await collectHostStatus(nc, 400);
  return new Map(all.filter((h) => ids.includes(h.hostId)).map((h) => [h.hostId, h]));
}

/** Resolves once the given hosts together own every partition, each exactly once (and, if asked, in fair shares). */
async function allOwnedBy(ids: string[], timeoutMs: number, fair = false): Promise<Map<string, HostStatus>> {
  let seen = '';
  try {
    return await waitFor(async () => {
      const status = await statusOf(ids);
      const owned = [...status.values()].flatMap((h) => h.partitions.map((p) => p.partition));
      seen = [...status.values()].map((h) => `${h.hostId}:${h.partitions.length}`).join(' ');
      const complete = status.size === ids.length && owned.length === P && new Set(owned).size === P;
      const balanced = !fair || ids.every((id) => status.get(id)?.partitions.length === fairShare(id, ids, P));
      return complete && balanced ? status : undefined;
    }, timeoutMs, 200);
  } catch (err) {
    const all = await collectHostStatus(nc, 400);
    throw new Error(`${(err as Error).message}; last split ${seen}; all hosts: ${all.map((h) => `${h.hostId}:${h.partitions.length}`).join(' ')}`);
  }
}

/** Device-side load: vehicles × (gps, obd), each round one reading per device, published as the ingress does. */
class Load {
  readonly vehicles = Array.from({ length: 120 }, (_, i) => `F${run}V${i}`);
  round = 0;
  accepted = 0;
  private running = false;
  private done: Promise<void> = Promise.resolve();
  constructor(private readonly publisher: TelemetryPublisher) {}

  readings(round: number): Telemetry[] {
    const at = Date.now();
    return this.vehicles.flatMap((v, i): Telemetry[] => [
      { v: 1, vehicleId: v, deviceId: `${v}-gps`, deviceKind: 'gps', format: 'json', seq: round, deviceTime: at, receivedAt: at, position: { lat: 43.7 + i * 1e-4, lon: 7.4 + round * 1e-5, speedKph: 30 } },
      { v: 1, vehicleId: v, deviceId: `${v}-obd`, deviceKind: 'obd', format: 'json', seq: round, deviceTime: at, receivedAt: at, engine: { ignition: true, rpm: 1500, odometerKm: 1000 + round / 2 } },
    ]);
  }

  start(): void {
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        this.round++;
        this.accepted += await this.publisher.publishTelemetry(this.readings(this.round));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

beforeAll(async () => {
  nc = await connectNats(config.FLEET_NATS_URL, 'failover-test');
  await ensureStreams(nc);
});

afterAll(async () => {
  // Survivors stop gracefully so their leases are free for whatever runs next.
  const exits = [...hosts.values()].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)));
  for (const child of hosts.values()) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
  for (const child of hosts.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await nc?.drain();
});

describe('twin hosts in separate processes share partitions over NATS leases', () => {
  it('join, SIGKILL under load and graceful stop move partitions; every accepted reading is applied exactly once', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => `${x}-${run}`) as [string, string, string, string];
    for (const id of [a, b, c]) startHost(id);
    // Generous: this includes starting three node processes on a possibly busy 2-core machine.
    const three = await allOwnedBy([a, b, c], 120_000, true);
    expect([...three.values()].map((h) => h.partitions.length).sort()).toEqual([21, 21, 22]);

    const load = new Load(new TelemetryPublisher(nc, P));
    load.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));

      // A fourth host joining takes about a quarter.
      startHost(d);
      const four = await allOwnedBy([a, b, c, d], 90_000, true);
      expect(four.get(d)!.partitions.length).toBe(16);
      // The same figures as Prometheus metrics.
      const metrics = await (await fetch(`http://127.0.0.1:${four.get(d)!.metricsPort}/metrics`)).text();
      expect(metrics).toContain(`fleet_twin_host_partitions{host="${d}"} 16`);
      expect(metrics).toMatch(/fleet_twin_partition_lag\{partition="\d+",host="/);

      // SIGKILL under load: its partitions are owned again within lease TTL + 5 s.
      const killedAt = Date.now();
      hosts.get(a)!.kill('SIGKILL');
      await allOwnedBy([b, c, d], TTL_MS + 5000);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(TTL_MS + 5000);

      // A graceful stop hands over at once (no lease expiry to wait for).
      await new Promise((r) => setTimeout(r, 1000));
      const stoppedAt = Date.now();
      hosts.get(b)!.kill('SIGTERM');
      await allOwnedBy([c, d], TTL_MS);
      expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);

      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await load.stop();
    }
    const rounds = load.round;
    expect(load.accepted).toBe(rounds * load.vehicles.length * 2);

    // Count check: per device, the last sequence and the odometer are what was sent, and the
    // number of readings the twin applied equals the number the ingress accepted.
    await waitFor(async () => {
      const status = await statusOf([c, d]);
      return [...status.values()].every((h) => h.partitions.every((p) => p.pending === 0)) ? true : undefined;
    }, 20_000, 200);
    for (const vehicleId of load.vehicles) {
      const reply = await nc.request(subjects.twinQuery(partitionOf(vehicleId, P), vehicleId), undefined, { timeout: 3000 });
      const { twin } = reply.json<{ twin: any }>();
      const devices = new Map<string, any>(twin.devices.map((dev: any) => [dev.deviceId, dev]));
      for (const kind of ['gps', 'obd']) {
        const dev = devices.get(`${vehicleId}-${kind}`);
        expect(dev.lastSeq, `${vehicleId}-${kind} last seq`).toBe(rounds);
        expect(dev.counts.inOrder + dev.counts.late, `${vehicleId}-${kind} applied`).toBe(rounds);
      }
      expect(twin.context.odometerKm).toBe(1000 + rounds / 2);
    }
  }, 300_000);
});
