import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { connectNats, ensureStreams } from '../bus/connect';
import { TelemetryPublisher } from '../ingress/publisher';
import { partitionOf, subjects } from '../bus/subjects';
import { waitFor } from '../e2e/harness';
import { collectHostStatus, type HostStatus } from '../runtime/host-status';
import { fairShare } from './plan';
import type { Telemetry } from '../telemetry/schema';

/** Twin hosts as real `fleet twin-host` processes, for tests of leases and take-overs. */
export class HostFleet {
  readonly hosts = new Map<string, ChildProcess>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly partitions: number,
    private readonly env: Record<string, string>,
  ) {}

  start(id: string): ChildProcess {
    // Each host's log goes to a file, for reading after a failure.
    mkdirSync('test-results', { recursive: true });
    const log = openSync(`test-results/twin-host-${id}.log`, 'w');
    const child = spawn(process.execPath, ['bin/fleet.mjs', 'twin-host', '--host-id', id], {
      env: { ...process.env, FLEET_METRICS_PORT: '0', FLEET_LOG_LEVEL: 'info', FLEET_LOG_FORMAT: 'json', ...this.env },
      stdio: ['ignore', log, log],
    });
    this.hosts.set(id, child);
    return child;
  }

  async statusOf(ids: string[]): Promise<Map<string, HostStatus>> {
    const all = await collectHostStatus(this.nc, 400);
    return new Map(all.filter((h) => ids.includes(h.hostId)).map((h) => [h.hostId, h]));
  }

  /** Resolves once the given hosts together own every partition, each exactly once (and, if asked, in fair shares). */
  async allOwnedBy(ids: string[], timeoutMs: number, fair = false): Promise<Map<string, HostStatus>> {
    let seen = '';
    try {
      return await waitFor(async () => {
        const status = await this.statusOf(ids);
        const owned = [...status.values()].flatMap((h) => h.partitions.map((p) => p.partition));
        seen = [...status.values()].map((h) => `${h.hostId}:${h.partitions.length}`).join(' ');
        const complete = status.size === ids.length && owned.length === this.partitions && new Set(owned).size === this.partitions;
        const balanced = !fair || ids.every((id) => status.get(id)?.partitions.length === fairShare(id, ids, this.partitions));
        return complete && balanced ? status : undefined;
      }, timeoutMs, 200);
    } catch (err) {
      const all = await collectHostStatus(this.nc, 400);
      throw new Error(`${(err as Error).message}; last split ${seen}; all hosts: ${all.map((h) => `${h.hostId}:${h.partitions.length}`).join(' ')}`);
    }
  }

  /** Resolves once the given hosts have nothing pending on any partition they own. */
  async drained(ids: string[], timeoutMs: number): Promise<void> {
    await waitFor(async () => {
      const status = await this.statusOf(ids);
      return [...status.values()].every((h) => h.partitions.every((p) => p.pending === 0)) ? true : undefined;
    }, timeoutMs, 200);
  }

  /** Survivors stop gracefully so their leases are free for whatever runs next. */
  async stopAll(): Promise<void> {
    const running = [...this.hosts.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    const exits = running.map((c) => new Promise((r) => c.once('exit', r)));
    for (const child of running) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Device-side load: vehicles × (gps, obd), each round one reading per device, published as the ingress does. */
export class RoundLoad {
  readonly vehicles: string[];
  round = 0;
  accepted = 0;
  private running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly publisher: TelemetryPublisher,
    prefix: string,
    vehicles: number,
    private readonly pauseMs = 20,
  ) {
    this.vehicles = Array.from({ length: vehicles }, (_, i) => `${prefix}V${i}`);
  }

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
        await new Promise((r) => setTimeout(r, this.pauseMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  /**
   * Count check: per device, the last sequence and the odometer are what was sent, and the number
   * of readings the twin applied equals the number published.
   */
  async expectAppliedExactlyOnce(nc: NatsConnection, partitions: number): Promise<void> {
    const rounds = this.round;
    expect(this.accepted).toBe(rounds * this.vehicles.length * 2);
    for (const vehicleId of this.vehicles) {
      const reply = await nc.request(subjects.twinQuery(partitionOf(vehicleId, partitions), vehicleId), undefined, { timeout: 3000 });
      const { twin } = reply.json<{ twin: any }>();
      const devices = new Map<string, any>(twin.devices.map((dev: any) => [dev.deviceId, dev]));
      for (const kind of ['gps', 'obd']) {
        const dev = devices.get(`${vehicleId}-${kind}`);
        expect(dev.lastSeq, `${vehicleId}-${kind} last seq`).toBe(rounds);
        expect(dev.counts.inOrder + dev.counts.late, `${vehicleId}-${kind} applied`).toBe(rounds);
      }
      expect(twin.context.odometerKm).toBe(1000 + rounds / 2);
    }
  }
}

/**
 * A test file's NATS connection, streams and host fleet (hosts with `env`), stopped after the
 * file; `load` makes device-side load published as the ingress does.
 */
export function hostFleetPerFile(name: string, env: Record<string, string>) {
  const config = loadConfig();
  const partitions = config.FLEET_PARTITIONS;
  const ctx = {
    partitions,
    nc: undefined as unknown as NatsConnection,
    fleet: undefined as unknown as HostFleet,
    load: (prefix: string, vehicles: number, pauseMs?: number) => new RoundLoad(new TelemetryPublisher(ctx.nc, partitions), prefix, vehicles, pauseMs),
  };
  beforeAll(async () => {
    ctx.nc = await connectNats(config.FLEET_NATS_URL, name);
    await ensureStreams(ctx.nc);
    ctx.fleet = new HostFleet(ctx.nc, partitions, env);
  });
  afterAll(async () => {
    await ctx.fleet?.stopAll();
    await ctx.nc?.drain();
  });
  return ctx;
}
