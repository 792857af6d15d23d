import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Logger } from '../../infra/log/logger';
import type { FaultRates } from '../faults/fault-rates';
import type { GroundTruthEvent } from '../fleet/wear';
import { Simulation } from '../simulation';
import { createRandom } from '../world/random';
import { createWorld, type WorldKind } from '../world/world';
import { registerFleet, type RegistryOptions } from '../registry';
import { LiveFleet, type LiveOtaOptions } from './live-fleet';
import { Progress, type TotalsSource } from './progress';
import { formatReport, isLossless, type SimReport } from './report';
import { runSimProcesses } from './processes';
import { untilStopRequested } from './stop-signal';
import type { WorkerChannel } from './worker-channel';

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
  teltonikaShare: number;
  obd2Share: number;
  faults: FaultRates;
  /** What devices do with OTA commands. */
  ota?: LiveOtaOptions;
  /** Write the fleet into the registry of this database first (OTA campaigns target registered devices). */
  register?: { databaseUrl: string } & RegistryOptions;
  /** Each vehicle's first shift starts within this many seconds (load tests want traffic at once). */
  shiftStartWithinS?: number;
  /** The fleet's clock starts this long before the simulator's, and the world runs through that time sending nothing. */
  onShiftForS?: number;
  /** Simulator processes sharing the fleet (vehicle ranges). */
  processes: number;
  groundTruthFile?: string;
  reportFile?: string;
  /** Seconds between progress log lines when not on a terminal. */
  progressEveryS?: number;
  tty: boolean;
}

/**
 * `fleet sim`: builds the world and the fleet, runs it live on the wall clock until the duration
 * ends or a signal arrives, shuts down gracefully and reports. Resolves to the exit code.
 */
export async function runSim(
  options: SimRunOptions,
  log: Logger,
  channel?: WorkerChannel,
  /** Called once the fleet drives, with its running totals (the CLI serves them to `fleet status`). */
  onRunning?: (source: TotalsSource) => void,
): Promise<number> {
  if (options.processes > 1 && !channel) return runSimProcesses(options, log, onRunning);
  const world = createWorld(createRandom(options.seed).fork('world'), { kind: options.world, gridBlocks: options.gridBlocks });
  if (channel) await channel.ready();
  // A worker starts on the clock its parent gives once every worker has built its world.
  const startMs = channel ? await Promise.race([channel.go, channel.stopRequested.then(() => Date.now())]) : Date.now();
  const truth = options.groundTruthFile ? createWriteStream(options.groundTruthFile, { flags: 'a' }) : undefined;
  let truthEvents = 0;
  const sim = new Simulation({
    world,
    vehicles: options.vehicles,
    firstVehicle: options.firstVehicle,
    devicesPerVehicle: options.devicesPerVehicle,
    seed: options.seed,
    startMs: startMs - (options.onShiftForS ?? 0) * 1000,
    devicesOnMs: options.onShiftForS ? null : startMs,
    // Devices keep counting across restarts in reality; starting at the start time in ms keeps a
    // restarted simulator from repeating (device, seq) pairs the platform has already seen.
    seqStart: startMs,
    rate: options.rate,
    teltonikaShare: options.teltonikaShare,
    obd2Share: options.obd2Share,
    faults: options.faults,
    ...(options.shiftStartWithinS !== undefined ? { shift: { firstShiftWithinS: options.shiftStartWithinS } } : {}),
    onGroundTruth: (event: GroundTruthEvent) => {
      truthEvents++;
      truth?.write(`${JSON.stringify(event)}\n`);
    },
  });
  if (options.onShiftForS) {
    // The world alone through its time on shift, and on until it has caught up with the wall
    // clock (that takes a while: 37 s for 2,500 vans and 37 minutes): devices switch on only
    // then, so the simulator starts on its clock instead of behind it with a backlog to send.
    for (let now = Date.now(); sim.timeMs + sim.stepMs <= now; now = Date.now()) sim.advanceTo(now, () => {});
    sim.switchDevicesOn(Date.now());
    log.info({ onShiftForS: options.onShiftForS, devicesOnAfterS: (Date.now() - startMs) / 1000 }, 'fleet run through its time on shift; devices on');
  }
  if (options.register) {
    const registered = await registerFleet(options.register.databaseUrl, sim, options.register);
    log.info({ devices: registered, region: options.register.region }, 'fleet registered');
  }
  const live = new LiveFleet(sim, { mqttUrl: options.mqttUrl, connectRate: options.connectRate, stormEveryS: options.faults.stormEveryS, ...(options.ota ? { ota: options.ota } : {}) });
  log.info(
    { world: world.network.name, roadKm: Math.round(world.network.totalLengthM / 1000), vehicles: options.vehicles, firstVehicle: options.firstVehicle, devices: sim.devices.length, mqtt: options.mqttUrl, seed: options.seed },
    'simulator starting',
  );
  live.start();
  channel?.reportTotals(live);
  onRunning?.(live);
  const progress = channel ? undefined : new Progress(live, log, { tty: options.tty, logEveryS: options.progressEveryS ?? 10, ...(options.durationS ? { durationS: options.durationS } : {}) });

  await untilStopRequested(options.durationS, channel?.stopRequested);
  progress?.stop();
  log.info('stopping: waiting for acknowledgements, closing connections');
  await live.stop();
  await new Promise<void>((resolve) => (truth ? truth.end(resolve) : resolve()));

  const durationS = (Date.now() - startMs) / 1000;
  const totals = live.totals();
  const report: SimReport = {
    seed: options.seed,
    world: world.network.name,
    vehicles: options.vehicles,
    firstVehicle: options.firstVehicle,
    devicesPerVehicle: options.devicesPerVehicle,
    processes: 1,
    startedAt: new Date(startMs).toISOString(),
    durationS,
    meanMsgsPerS: totals.sent / durationS,
    peakMsgsPerS: progress?.peakMsgsPerS ?? 0,
    groundTruthEvents: truthEvents,
    totals,
    devices: live.deviceStats(),
  };
  if (channel) {
    await channel.sendReport(report);
    return isLossless(report) ? 0 : 1;
  }
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.reportFile) await writeFile(options.reportFile, JSON.stringify(report));
  return isLossless(report) ? 0 : 1;
}
