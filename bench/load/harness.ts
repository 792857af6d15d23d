import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectHealth } from '../../infra/health/collect-health';
import { vehicleId } from '../../simulator/fleet/vehicle-id';
import type { SimReport } from '../../simulator/live/report';
import { connectNats, ensureStreams } from '../../twins/bus/connect';
import { STREAM_DEAD_LETTER } from '../../twins/bus/subjects';
import { collectHostStatus, type HostStatus } from '../../twins/runtime/host-status';
import { mergeCounts, quantileOf, subtractCounts, type LatencyCounts } from '../../twins/runtime/latency-histogram';
import { brokerDropped } from './broker-stats';
import { compareWithTwins, twinCensus, type LossCheck } from './census';
import { processTree, startFleet, type FleetProcess } from '../shared/fleet-process';
import { ProcessSampler, type ProcessFigures } from '../shared/proc-stats';
import { slowestRate, SUSTAINED_S } from './slowest-rate';

export const DEVICES_PER_VEHICLE = 4;
/** By default every van's first shift starts this soon: the fleet is on the road when a short window opens. */
const SHIFT_START_WITHIN_S = 10;
/** The simulator keeps its clock when this close behind the wall clock (its progress comes every 5 s). */
const CAUGHT_UP_S = 1;

export interface LoadOptions {
  natsUrl: string;
  mqttUrl: string;
  partitions: number;
  /** Simulated devices (vehicles × 4). */
  devices: number;
  /** Length of the measured window, after every device is connected and a warm-up. */
  seconds: number;
  warmupS: number;
  /** After the warm-up, how long to wait at most for the simulator to keep its clock. */
  maxCatchUpS: number;
  /** Device sampling speed-up (fleet sim --rate). */
  rate: number;
  firstVehicle: number;
  seed: string;
  ingressReplicas: number;
  ingressConnections: number;
  twinHosts: number;
  simProcesses: number;
  connectRate: number;
  /** More `fleet sim` flags (faults, formats). */
  simArgs: string[];
  /** `fleet sim --shift-start-within` (default 10 s). */
  shiftStartWithinS?: number;
  /** `fleet sim --on-shift-for`: the window opens this far into the shift, past its busy start. */
  onShiftForS?: number;
  /** Logs and the simulator's report go here. */
  workDir: string;
  /** Server processes to measure beside the platform's (NATS, Mosquitto), when this run started them. */
  servers: Array<{ name: string; pid: number }>;
  log: (line: string) => void;
}

export interface LoadResult {
  devices: number;
  /** Most devices connected at the same time. */
  devicesConnected: number;
  /** Devices that connected at least once (reconnect storms make the simultaneous count dip). */
  devicesConnectedOnce: number;
  /** Devices out of coverage ever since they were switched on: like real ones, they never connected. */
  devicesNeverInCoverage: number;
  windowS: number;
  offeredMsgsPerSec: number;
  appliedMsgsPerSec: number;
  /** Slowest applied and offered rates over any 5 s and any 30 s of the window (offered: from the simulator's progress lines). */
  slowest: { appliedPer5s: number; offeredPer5s: number; appliedPer30s: number; offeredPer30s: number };
  latency: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; count: number; negative: number };
  /** Ingress receipt → applied: the platform's own share of the latency, without the simulator's lag. */
  platformLatency: { p50Ms: number | null; p99Ms: number | null };
  /** Twin events the hosts published a second in the window: JetStream messages beside the readings. */
  twinEventsPerSec: number;
  loss: LossCheck;
  malformedAcked: number;
  deadLettered: number;
  sim: SimReport['totals'];
  simExitCode: number | null;
  processes: ProcessFigures[];
  /** Twin-host backlog when the window ended (messages in JetStream not yet applied). */
  lagAtWindowEnd: number;
  /** Readings still pending when the twins stopped applying for 2 minutes (they count as lost); null: drained. */
  drainStalledWith: number | null;
  /** Messages the broker dropped during the run (from its $SYS counters; null: not published). */
  brokerDropped: number | null;
  /** The machine's 1-minute load average at the start and end of the window (other work shares it). */
  loadAverage: { atStart: number; atEnd: number };
  /** The simulator's clock behind the wall clock at the window's start and end, seconds: part of every latency. */
  simulatorBehindS: { atStart: number; atEnd: number };
}

interface SimProgress {
  at: number;
  elapsedS: number;
  devices: number;
  sent: number;
  connected: number;
  connectedOnce: number;
  /** The simulator's clock behind the wall clock, seconds (its readings look this much older). */
  behindS: number;
}

interface HostSample {
  at: number;
  /** Every host answered this time (a missing answer leaves its previous figures in the sums). */
  complete: boolean;
  applied: number;
  /** Twin events published (each its own JetStream message). */
  events: number;
  latency: LatencyCounts;
  receiptLatency: LatencyCounts;
  pending: number;
}

/** A host's status with the apply-latency histogram hosts publish (twins/runtime/latency-histogram.ts). */
type StatusWithLatency = HostStatus & { applyLatency?: LatencyCounts; receiptLatency?: LatencyCounts };
const noLatency: LatencyCounts = { buckets: {}, count: 0, sumMs: 0, negative: 0 };

function hostSample({ statuses, answered }: { statuses: StatusWithLatency[]; answered: number }): HostSample {
  return {
    at: performance.now(),
    complete: answered === statuses.length,
    applied: statuses.reduce((n, h) => n + h.stats.applied + h.stats.late, 0),
    events: statuses.reduce((n, h) => n + h.stats.events, 0),
    latency: mergeCounts(statuses.map((h) => h.applyLatency ?? noLatency)),
    receiptLatency: mergeCounts(statuses.map((h) => h.receiptLatency ?? noLatency)),
    pending: statuses.reduce((n, h) => n + h.partitions.reduce((m, p) => m + p.pending, 0), 0),
  };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

/**
 * One load run: the platform's processes (twin hosts, ingress replicas) and the simulator as
 * child processes on the given servers; throughput and latency over a window in which every
 * device is connected; then the loss check against the twins themselves.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLEET_NATS_URL: o.natsUrl,
    FLEET_MQTT_URL: o.mqttUrl,
    FLEET_PARTITIONS: String(o.partitions),
    FLEET_METRICS_PORT: '0',
    FLEET_LOG_FORMAT: 'json',
  };
  const nc = await connectNats(o.natsUrl, 'bench-load');
  const started: FleetProcess[] = [];
  try {
    const jsm = await ensureStreams(nc);
    const deadLettersBefore = (await jsm.streams.info(STREAM_DEAD_LETTER)).state.messages;
    const droppedBefore = await brokerDropped(o.mqttUrl);

    for (let i = 1; i <= o.twinHosts; i++) {
      started.push(startFleet(`twin-host-${i}`, ['twin-host', '--host-id', `bench-host-${i}`], { env, logFile: join(o.workDir, `twin-host-${i}.log`) }));
    }
    // A subscription group of its own: a platform's ingress on the same broker never takes the run's messages.
    for (let i = 1; i <= o.ingressReplicas; i++) {
      started.push(
        startFleet(`ingress-${i}`, ['ingress', '--instance', `bench-ingress-${i}`, '--group', 'bench-load', '--connections', String(o.ingressConnections)], {
          env,
          logFile: join(o.workDir, `ingress-${i}.log`),
        }),
      );
    }
    const hostIds = new Set(Array.from({ length: o.twinHosts }, (_, i) => `bench-host-${i + 1}`));
    // A busy host may miss one status round: keep each host's last answer, so sums never go back.
    const lastStatus = new Map<string, StatusWithLatency>();
    const ourHosts = async () => {
      let answered = 0;
      for (const h of await collectHostStatus(nc)) {
        if (!hostIds.has(h.hostId)) continue;
        lastStatus.set(h.hostId, h);
        answered++;
      }
      return { statuses: [...lastStatus.values()], answered };
    };
    await until('the twin hosts to own every partition', 180_000, async () => {
      const { statuses: hosts } = await ourHosts();
      return hosts.length === o.twinHosts && hosts.reduce((n, h) => n + h.partitions.length, 0) === o.partitions;
    });
    await until('the ingress replicas to answer', 120_000, async () => (await collectHealth(nc)).filter((h) => h.part === 'ingress' && h.id.startsWith('bench-ingress-')).length === o.ingressReplicas);
    o.log(`platform up: ${o.twinHosts} twin host(s) own ${o.partitions} partitions, ${o.ingressReplicas} ingress replica(s) × ${o.ingressConnections} MQTT connections per broker`);

    const vehicles = Math.ceil(o.devices / DEVICES_PER_VEHICLE);
    const devices = vehicles * DEVICES_PER_VEHICLE;
    const reportFile = join(o.workDir, 'sim-report.json');
    const progress: SimProgress[] = [];
    // No --duration: the window starts once every device is connected, however long the start
    // takes on a busy machine; SIGTERM then ends the run gracefully (drain, report).
    const sim = startFleet(
      'sim',
      [
        'sim', '--vehicles', String(vehicles), '--first-vehicle', String(o.firstVehicle), '--devices-per-vehicle', String(DEVICES_PER_VEHICLE),
        '--processes', String(o.simProcesses), '--rate', String(o.rate), '--connect-rate', String(o.connectRate), '--shift-start-within', String(o.shiftStartWithinS ?? SHIFT_START_WITHIN_S), '--on-shift-for', String(o.onShiftForS ?? 0),
        '--seed', o.seed, '--report', reportFile, '--progress-every', '5', ...o.simArgs,
      ],
      {
        env,
        logFile: join(o.workDir, 'sim.log'),
        onStdoutLine: (line) => {
          if (!line.startsWith('{')) return;
          try {
            const entry = JSON.parse(line) as { msg?: string } & Omit<SimProgress, 'at'>;
            if (entry.msg === 'sim progress') {
              progress.push({ at: performance.now(), elapsedS: entry.elapsedS, devices: entry.devices, sent: entry.sent, connected: entry.connected, connectedOnce: entry.connectedOnce, behindS: entry.behindS ?? 0 });
            }
          } catch {
            // Not a log line of ours.
          }
        },
      },
    );
    started.push(sim);
    o.log(`simulator: ${vehicles} vehicles × ${DEVICES_PER_VEHICLE} devices in ${o.simProcesses} process(es), rate ×${o.rate}, connecting ${o.connectRate}/s`);

    const children = () => started.flatMap(processTree);
    const sampler = new ProcessSampler(() => [...o.servers, ...children(), { name: 'bench', pid: process.pid }]);
    const simAlive = () => {
      if (sim.child.exitCode !== null) throw new Error(`the simulator exited early (code ${sim.child.exitCode}); see ${join(o.workDir, 'sim.log')}`);
    };
    // The workers build their world and fleet first (minutes for a big fleet on a busy machine).
    await until('the simulator to build its fleet', 900_000, async () => {
      simAlive();
      sampler.sample();
      return (progress[progress.length - 1]?.devices ?? 0) >= devices;
    });
    o.log(`simulator fleet built; connecting ${devices} devices`);
    // Every device has had its connection (storms may have dropped some again since).
    const connectedOnce = () => progress[progress.length - 1]?.connectedOnce ?? 0;
    const connectDeadline = Date.now() + 180_000 + (devices / o.connectRate) * 3000;
    while (connectedOnce() < devices && Date.now() < connectDeadline) {
      simAlive();
      await sleep(1000);
      sampler.sample();
    }
    o.log(`${connectedOnce()} of ${devices} devices connected (${progress[progress.length - 1]?.connected ?? 0} right now); warming up ${o.warmupS} s`);
    const warmUpFrom = Date.now();
    await sleep(o.warmupS * 1000);
    // Readings carry the simulator's time, so a simulator still catching up after its start (the
    // world run through the shift's first minutes, the connect storm) adds its lag to every
    // latency: the window opens once it keeps its clock, or when the wait gives up.
    const behindS = () => progress[progress.length - 1]?.behindS ?? 0;
    if (behindS() > CAUGHT_UP_S) o.log(`simulator ${behindS()} s behind its clock; waiting up to ${o.maxCatchUpS} s for it to catch up`);
    while (behindS() > CAUGHT_UP_S && Date.now() - warmUpFrom < (o.warmupS + o.maxCatchUpS) * 1000) {
      simAlive();
      await sleep(1000);
      sampler.sample();
    }
    o.log(`window opens after ${Math.round((Date.now() - warmUpFrom) / 1000)} s of warm-up, the simulator ${behindS()} s behind its clock`);

    const samples: HostSample[] = [];
    sampler.markWindowStart();
    const loadAtStart = loadavg()[0]!;
    // The window's edges and steps from answers of every host (a busy host may miss one request).
    const sampleHosts = async () => {
      let sample = hostSample(await ourHosts());
      for (let retry = 0; !sample.complete && retry < 4; retry++) sample = hostSample(await ourHosts());
      return sample;
    };
    const atStart = await sampleHosts();
    samples.push(atStart);
    const windowEndAt = atStart.at + o.seconds * 1000;
    while (performance.now() < windowEndAt) {
      simAlive();
      await sleep(Math.min(5000, Math.max(0, windowEndAt - performance.now())));
      sampler.sample();
      const sample = await sampleHosts();
      samples.push(sample);
      if (samples.length % 6 === 0) {
        const last = progress[progress.length - 1];
        o.log(`  ${Math.round((sample.at - atStart.at) / 1000)} s: connected ${last?.connected}, sent ${last?.sent}, applied ${sample.applied}, backlog ${sample.pending}, simulator behind ${last?.behindS ?? 0} s`);
      }
    }
    const atEnd = samples[samples.length - 1]!;
    sampler.markWindowEnd();
    const loadAtEnd = loadavg()[0]!;
    await sim.stop(300_000);

    const simExitCode = await sim.exited;
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as SimReport;
    o.log(`simulator done (exit ${simExitCode}): sent ${report.totals.sent}, acked ${report.totals.acked}, readings acked ${report.totals.readingsAcked}`);

    // Drain: what the broker acknowledged must reach the twins, however long the backlog queued
    // in the broker and the ingress takes; done once they stop moving (10 s), given up only when
    // nothing moved for 2 minutes.
    let last = -1;
    let stableSince = Date.now();
    let drainStalledWith: number | null = null;
    for (;;) {
      const s = hostSample(await ourHosts());
      if (s.applied !== last) {
        last = s.applied;
        stableSince = Date.now();
      }
      const stillFor = Date.now() - stableSince;
      if (s.pending === 0 && stillFor > 10_000) break;
      // The census still runs: what never arrived counts as lost, and the window's figures stand.
      if (stillFor > 120_000) {
        drainStalledWith = s.pending;
        o.log(`the twins stopped applying with ${s.pending} readings pending; taking the census as it is`);
        break;
      }
      await sleep(1000);
    }
    o.log(`backlog applied: ${last} readings applied in all`);
    const vehicleIds = Array.from({ length: vehicles }, (_, i) => vehicleId(o.firstVehicle + i));
    let loss = compareWithTwins(report.devices, await twinCensus(nc, vehicleIds, o.partitions));
    for (let retry = 0; retry < 6 && loss.lost > 0; retry++) {
      o.log(`census: ${loss.lost} readings not applied yet; asking again`);
      await sleep(5000);
      const again = compareWithTwins(report.devices, await twinCensus(nc, vehicleIds, o.partitions));
      const moved = again.applied !== loss.applied;
      loss = again;
      if (!moved) break;
    }
    const deadLettered = (await jsm.streams.info(STREAM_DEAD_LETTER)).state.messages - deadLettersBefore;
    const droppedAfter = await brokerDropped(o.mqttUrl);

    const windowS = (atEnd.at - atStart.at) / 1000;
    const inWindow = progress.filter((p) => p.at >= atStart.at - 2500 && p.at <= atEnd.at + 2500);
    const first = inWindow[0];
    const lastProgress = inWindow[inWindow.length - 1];
    const offered = first && lastProgress && lastProgress.elapsedS > first.elapsedS ? (lastProgress.sent - first.sent) / (lastProgress.elapsedS - first.elapsedS) : 0;
    // Rates between samples every host answered (the window's last step can be a moment long).
    const answeredSamples = samples.filter((s) => s.at >= atStart.at && s.at <= atEnd.at && s.complete);
    const appliedCounts = answeredSamples.map((s) => ({ atS: s.at / 1000, count: s.applied }));
    // The simulator's own pace: the platform cannot apply in 5 s more than was sent in them.
    const offeredCounts = inWindow.map((p) => ({ atS: p.elapsedS, count: p.sent }));
    const latency = subtractCounts(atEnd.latency, atStart.latency);
    const receiptLatency = subtractCounts(atEnd.receiptLatency, atStart.receiptLatency);
    return {
      devices: report.totals.devices,
      devicesConnected: Math.max(0, ...progress.map((p) => p.connected)),
      devicesConnectedOnce: report.totals.connectedOnce,
      devicesNeverInCoverage: report.devices.filter((d) => !d.connectedOnce && d.sent === 0 && d.stored > 0).length,
      windowS,
      offeredMsgsPerSec: Math.round(offered),
      appliedMsgsPerSec: Math.round(windowS > 0 ? (atEnd.applied - atStart.applied) / windowS : 0),
      slowest: {
        appliedPer5s: slowestRate(appliedCounts, 5),
        offeredPer5s: slowestRate(offeredCounts, 5),
        appliedPer30s: slowestRate(appliedCounts, SUSTAINED_S),
        offeredPer30s: slowestRate(offeredCounts, SUSTAINED_S),
      },
      latency: {
        p50Ms: round(quantileOf(latency, 0.5)),
        p95Ms: round(quantileOf(latency, 0.95)),
        p99Ms: round(quantileOf(latency, 0.99)),
        count: latency.count,
        negative: latency.negative,
      },
      platformLatency: { p50Ms: round(quantileOf(receiptLatency, 0.5)), p99Ms: round(quantileOf(receiptLatency, 0.99)) },
      twinEventsPerSec: Math.round(windowS > 0 ? (atEnd.events - atStart.events) / windowS : 0),
      loss,
      malformedAcked: report.totals.malformedAcked,
      deadLettered,
      sim: report.totals,
      simExitCode,
      processes: sampler.figures(),
      lagAtWindowEnd: atEnd.pending,
      drainStalledWith,
      brokerDropped: droppedBefore === null || droppedAfter === null ? null : droppedAfter - droppedBefore,
      loadAverage: { atStart: round1(loadAtStart), atEnd: round1(loadAtEnd) },
      simulatorBehindS: { atStart: first?.behindS ?? 0, atEnd: lastProgress?.behindS ?? 0 },
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await nc.close();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms);
}

/** The simulator's worker processes (`fleet sim --processes`), children of its parent process. */
