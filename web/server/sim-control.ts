import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { fleetArgs } from '../../infra/cli/node-flags';
import { collectHealth } from '../../infra/health/collect-health';
import { collectHostStatus } from '../../twins/runtime/host-status';
import { mergeCounts, quantileOf, subtractCounts, type LatencyCounts } from '../../twins/runtime/latency-histogram';

/**
 * Simulator control for QA: the web server runs one `fleet sim` at a time as a child process
 * (the same command a person runs), and measures the platform as `fleet status` sees it: the
 * simulators' sent/acked totals and the twin hosts' applied readings and apply latency.
 */

const share = z.number().min(0).max(1);
const perHour = z.number().min(0).max(3600);

export const simRunRequestSchema = z
  .object({
    vehicles: z.number().int().min(1).max(20_000),
    devicesPerVehicle: z.number().int().min(1).max(4).optional(),
    /** Sampling speed-up: reporting periods are divided by it. */
    rate: z.number().min(0.1).max(100).optional(),
    durationS: z.number().int().min(10).max(86_400).optional(),
    seed: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 characters of A-Z a-z 0-9 _ . -').optional(),
    firstVehicle: z.number().int().min(1).max(9_000_000).optional(),
    faults: z
      .object({ gapRate: perHour, silenceRate: perHour, duplicateRate: share, malformedRate: share, skewShare: share })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type SimRunRequest = z.input<typeof simRunRequestSchema>;

/** The `fleet sim` flags of a request (the command validates them again). */
export function simArgs(request: z.output<typeof simRunRequestSchema>): string[] {
  const args = ['sim', '--vehicles', String(request.vehicles)];
  const flag = (name: string, value: number | string | undefined) => {
    if (value !== undefined) args.push(`--${name}`, String(value));
  };
  flag('devices-per-vehicle', request.devicesPerVehicle);
  flag('rate', request.rate);
  flag('duration', request.durationS);
  flag('seed', request.seed);
  flag('first-vehicle', request.firstVehicle);
  flag('gap-rate', request.faults?.gapRate);
  flag('silence-rate', request.faults?.silenceRate);
  flag('duplicate-rate', request.faults?.duplicateRate);
  flag('malformed-rate', request.faults?.malformedRate);
  flag('skew-share', request.faults?.skewShare);
  return args;
}

export class SimRunConflict extends Error {}

export interface SimRunState {
  pid: number;
  args: string[];
  startedAt: number;
  /** null while it runs. */
  exitedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Its last output lines: the simulator's progress, or why it stopped. */
  output: string[];
}

const OUTPUT_LINES = 30;

/** The one simulator run this web server started (kept after it ends, for its output). */
export class SimControl {
  private child: ChildProcess | null = null;
  private state: SimRunState | null = null;

  constructor(private readonly repoRoot: string) {}

  get run(): SimRunState | null {
    return this.state;
  }

  start(args: string[], env: Record<string, string> = {}): SimRunState {
    if (this.child) throw new SimRunConflict(`a simulator run (pid ${this.state?.pid}) is going on: stop it first`);
    const child = spawn(process.execPath, fleetArgs(path.join(this.repoRoot, 'bin/fleet.mjs'), args), {
      cwd: this.repoRoot,
      // its own group, so stopping it stops the worker processes of --processes too
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const state: SimRunState = { pid: child.pid ?? -1, args, startedAt: Date.now(), exitedAt: null, exitCode: null, signal: null, output: [] };
    const keep = (chunk: Buffer) => {
      state.output.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim()));
      state.output.splice(0, Math.max(0, state.output.length - OUTPUT_LINES));
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => {
      state.exitedAt = Date.now();
      state.exitCode = code;
      state.signal = signal;
      if (this.child === child) this.child = null;
    });
    child.on('error', (err) => keep(Buffer.from(String(err))));
    this.child = child;
    this.state = state;
    return state;
  }

  /** SIGTERM to the run's process group: the simulator stops its devices and prints its report. */
  stop(): boolean {
    const pid = this.child?.pid;
    if (!pid) return false;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return false; // already gone
    }
    return true;
  }
}

export interface PlatformRates {
  at: number;
  simulators: number;
  devices: number;
  connected: number;
  /** Readings the simulators had acknowledged by the broker, per second since the last sample. */
  ackedPerS: number | null;
  twinHosts: number;
  /** Readings the twin hosts applied, per second since the last sample. */
  appliedPerS: number | null;
  /** From device time to applied on a twin, over the readings since the last sample (ms). */
  latencyMs: { p50: number | null; p99: number | null; count: number } | null;
}

interface Sample {
  at: number;
  acked: number;
  applied: number;
  latency: LatencyCounts;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Rates between consecutive samples of what every simulator and twin host reports over NATS. */
export class PlatformMeter {
  private last: Sample | null = null;

  async sample(nc: NatsConnection, now = Date.now()): Promise<PlatformRates> {
    const [health, hosts] = await Promise.all([collectHealth(nc, 400), collectHostStatus(nc, 400)]);
    const sims = health.filter((h) => h.part === 'sim');
    const sample: Sample = {
      at: now,
      acked: sims.reduce((n, s) => n + num(s.stats.acked), 0),
      applied: hosts.reduce((n, h) => n + h.stats.applied + h.stats.late, 0),
      latency: mergeCounts(hosts.map((h) => h.applyLatency)),
    };
    const previous = this.last;
    this.last = sample;
    const seconds = previous ? (sample.at - previous.at) / 1000 : 0;
    // Counters restart with their process: a drop means a new process, not a negative rate.
    const rate = (now: number, before: number | undefined) => (previous && seconds > 0 && now >= before! ? (now - before!) / seconds : null);
    const interval = previous && sample.latency.count >= previous.latency.count ? subtractCounts(sample.latency, previous.latency) : null;
    return {
      at: now,
      simulators: sims.length,
      devices: sims.reduce((n, s) => n + num(s.stats.devices), 0),
      connected: sims.reduce((n, s) => n + num(s.stats.connected), 0),
      ackedPerS: rate(sample.acked, previous?.acked),
      twinHosts: hosts.length,
      appliedPerS: rate(sample.applied, previous?.applied),
      latencyMs: interval ? { p50: quantileOf(interval, 0.5), p99: quantileOf(interval, 0.99), count: interval.count } : null,
    };
  }
}
