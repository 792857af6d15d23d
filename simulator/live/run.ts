import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Logger } from '../../infra/log/logger';
import type { GroundTruthEvent } from '../fleet/wear';
import { Simulation } from '../simulation';
import { createRandom } from '../world/random';
import { createWorld, type WorldKind } from '../world/world';
import { LiveFleet } from './live-fleet';
import { Progress } from './progress';
import { formatReport, isLossless, type SimReport } from './report';

export interface SimRunOptions {
  mqttUrl: string;
  vehicles: number;
  firstVehicle: number;
  devicesPerVehicle: number;
  durationS?: number;
  seed: string;
  world: WorldKind;
  gridBlocks: number;
  rate: number;
  connectRate: number;
  groundTruthFile?: string;
  reportFile?: string;
  tty: boolean;
}

/**
 * `fleet sim`: builds the world and the fleet, runs it live on the wall clock until the duration
 * ends or a signal arrives, shuts down gracefully and reports. Resolves to the exit code.
 */
export async function runSim(options: SimRunOptions, log: Logger): Promise<number> {
  const startMs = Date.now();
  const world = createWorld(createRandom(options.seed).fork('world'), { kind: options.world, gridBlocks: options.gridBlocks });
  const truth = options.groundTruthFile ? createWriteStream(options.groundTruthFile, { flags: 'a' }) : undefined;
  let truthEvents = 0;
  const sim = new Simulation({
    world,
    vehicles: options.vehicles,
    firstVehicle: options.firstVehicle,
    devicesPerVehicle: options.devicesPerVehicle,
    seed: options.seed,
    startMs,
    // Devices keep counting across restarts in reality; starting at the start time in ms keeps a
    // restarted simulator from repeating (device, seq) pairs the platform has already seen.
    seqStart: startMs,
    rate: options.rate,
    onGroundTruth: (event: GroundTruthEvent) => {
      truthEvents++;
      truth?.write(`${JSON.stringify(event)}\n`);
    },
  });
  const live = new LiveFleet(sim, { mqttUrl: options.mqttUrl, connectRate: options.connectRate });
  log.info(
    { world: world.network.name, roadKm: Math.round(world.network.totalLengthM / 1000), vehicles: options.vehicles, devices: sim.devices.length, mqtt: options.mqttUrl, seed: options.seed },
    'simulator starting',
  );
  live.start();
  const progress = new Progress(live, log, { tty: options.tty, ...(options.durationS ? { durationS: options.durationS } : {}) });

  await untilStopRequested(options.durationS);
  progress.stop();
  log.info('stopping: waiting for acknowledgements, closing connections');
  await live.stop();
  await new Promise<void>((resolve) => (truth ? truth.end(resolve) : resolve()));

  const durationS = (Date.now() - startMs) / 1000;
  const totals = live.totals();
  const report: SimReport = {
    seed: options.seed,
    world: world.network.name,
    vehicles: options.vehicles,
    devicesPerVehicle: options.devicesPerVehicle,
    startedAt: new Date(startMs).toISOString(),
    durationS,
    meanMsgsPerS: totals.sent / durationS,
    peakMsgsPerS: progress.peakMsgsPerS,
    groundTruthEvents: truthEvents,
    totals,
    devices: live.deviceStats(),
  };
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.reportFile) await writeFile(options.reportFile, JSON.stringify(report, null, 2));
  return isLossless(report) ? 0 : 1;
}

/** Resolves at the end of the duration or on the first SIGINT/SIGTERM; a second signal exits at once. */
function untilStopRequested(durationS: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = durationS ? setTimeout(done, durationS * 1000) : undefined;
    function done(): void {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    }
    function onSignal(): void {
      done();
    }
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
