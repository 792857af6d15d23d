import { hostname } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { intIn, numberIn } from '../infra/cli/options';
import { loadConfig } from '../infra/config/env';
import { serveHealth } from '../infra/health/serve-health';
import { createLogger, type Logger } from '../infra/log/logger';
import { connectNats } from '../twins/bus/connect';
import { pkiPaths, readRootCertificate } from '../infra/pki/store';
import { deviceCatalogue } from './devices/catalogue';
import { defaultOtaBehaviour } from './devices/ota-agent';
import { noFaults } from './faults/fault-rates';
import { runSim, type SimRunOptions } from './live/run';
import { WorkerChannel } from './live/worker-channel';
import { worldKinds, type WorldKind } from './world/world';

interface SimFlags {
  vehicles: number;
  devicesPerVehicle: number;
  duration?: number;
  seed: string;
  world: WorldKind;
  gridBlocks: number;
  firstVehicle: number;
  rate: number;
  connectRate: number;
  groundTruth?: string;
  report?: string;
  processes: number;
  teltonikaShare: number;
  obd2Share: number;
  shiftStartWithin?: number;
  onShiftFor?: number;
  duplicateRate: number;
  malformedRate: number;
  skewShare: number;
  maxSkew: number;
  gapRate: number;
  silenceRate: number;
  stormEvery: number;
  otaFailureRate: number;
  register?: boolean;
  region: string;
  timezone: string;
  otaRollbackRate: number;
  worker?: boolean;
  progressEvery: number;
}

function seedText(raw: string): string {
  if (raw.length < 1 || raw.length > 64) throw new InvalidArgumentError(`"${raw}" must be 1-64 characters.`);
  return raw;
}

/** Bad flags exit 2, like every other usage error of `fleet`; help and version still exit 0. */
function usageExit(err: CommanderError): never {
  if (err.exitCode === 0) throw err;
  throw new CommanderError(2, err.code, err.message);
}

export function register(program: Command): void {
  const kinds = deviceCatalogue.map((d) => d.kind).join(', ');
  program
    .command('sim')
    .description('Simulate a fleet: vans drive a road world; each of their devices publishes its readings over its own MQTT connection')
    .addOption(new Option('--vehicles <n>', 'number of vehicles').argParser(intIn(1, 100_000)).default(50))
    .addOption(new Option('--devices-per-vehicle <n>', `devices fitted per vehicle, first n of: ${kinds}`).argParser(intIn(1, deviceCatalogue.length)).default(deviceCatalogue.length))
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)').argParser(numberIn(1, 366 * 86_400)))
    .addOption(new Option('--seed <text>', 'seed of every random choice: same seed, same fleet and readings').argParser(seedText).default('fleettwin'))
    .addOption(new Option('--world <kind>', 'road world: Monaco (OpenStreetMap) or a generated grid city').choices(worldKinds).default('monaco'))
    .addOption(new Option('--grid-blocks <n>', 'blocks per side of the generated city (--world grid)').argParser(intIn(2, 400)).default(20))
    .addOption(new Option('--first-vehicle <n>', 'number of the first vehicle (V00001 is 1), to split one fleet over several simulators').argParser(intIn(1, 9_999_999)).default(1))
    .addOption(new Option('--rate <factor>', 'device sampling speed-up for load tests: reporting periods are divided by it').argParser(numberIn(0.01, 1000)).default(1))
    .addOption(new Option('--connect-rate <n>', 'device connections opened per second, so the broker is not stormed').argParser(numberIn(0.1, 100_000)).default(200))
    .addOption(new Option('--processes <n>', 'simulator processes sharing the fleet, each with its own vehicle range and connections').argParser(intIn(1, 64)).default(1))
    .addOption(new Option('--teltonika-share <p>', 'share of GPS trackers speaking Teltonika Codec 8 Extended (binary) instead of reference JSON').argParser(numberIn(0, 1)).default(0.25))
    .addOption(new Option('--obd2-share <p>', 'share of OBD-II dongles sending raw ECU responses (obd2 format) instead of reference JSON').argParser(numberIn(0, 1)).default(0))
    .addOption(new Option('--shift-start-within <seconds>', "each vehicle's first shift starts within this many seconds (default 60; up to a year, e.g. a parked fleet for OTA tests)").argParser(numberIn(0, 31_536_000)))
    .addOption(new Option('--on-shift-for <seconds>', 'the fleet has been on shift this long when the simulator starts: its world runs through that time first, sending nothing, so a load test starts past the busy first minutes of a shift').argParser(numberIn(0, 86_400)).default(0))
    .addOption(new Option('--duplicate-rate <p>', 'fault: share of readings a device sends twice').argParser(numberIn(0, 1)).default(0))
    .addOption(new Option('--malformed-rate <p>', 'fault: share of readings whose payload goes out broken (truncated, bad version, bad CRC)').argParser(numberIn(0, 1)).default(0))
    .addOption(new Option('--skew-share <p>', 'fault: share of devices whose clock is off (by up to --max-skew)').argParser(numberIn(0, 1)).default(0))
    .addOption(new Option('--max-skew <seconds>', 'largest clock skew of a skewed device').argParser(numberIn(0, 86_400)).default(noFaults.maxSkewS))
    .addOption(new Option('--gap-rate <per-hour>', `fault: coverage gaps per device-hour (${noFaults.gapS[0]}-${noFaults.gapS[1]} s each); readings are stored and replayed on reconnect`).argParser(numberIn(0, 3600)).default(0))
    .addOption(new Option('--silence-rate <per-hour>', `fault: silences per device-hour (${noFaults.silenceS[0]}-${noFaults.silenceS[1]} s each); the device takes no readings`).argParser(numberIn(0, 3600)).default(0))
    .addOption(new Option('--storm-every <seconds>', 'fault: drop every connection at once this often (a reconnect storm); 0: never').argParser(numberIn(0, 86_400)).default(0))
    .addOption(new Option('--ota-failure-rate <p>', 'OTA: chance a firmware install fails (the device then rolls back)').argParser(numberIn(0, 1)).default(defaultOtaBehaviour.failureRate))
    .addOption(new Option('--ota-rollback-rate <p>', 'OTA: chance new firmware fails its self-test after the reboot and the device rolls back').argParser(numberIn(0, 1)).default(defaultOtaBehaviour.rollbackRate))
    .addOption(new Option('--progress-every <seconds>', 'seconds between progress log lines when not on a terminal').argParser(numberIn(1, 3600)).default(10))
    .addOption(new Option('--worker', 'internal: run as a worker of --processes').hideHelp())
    .option('--ground-truth <file>', 'append the ground truth of component wear (DTC onset, failure, repair) to this file as JSON lines')
    .option('--register', 'write the fleet (depots, vehicles, devices with firmware) into the registry in FLEET_DATABASE_URL first, so OTA campaigns can target it')
    .option('--region <name>', 'region of the registered depots', 'simulated')
    .option('--timezone <zone>', 'IANA time zone of the registered depots', (raw: string) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: raw });
      } catch {
        throw new InvalidArgumentError(`"${raw}" is not an IANA time zone (e.g. Europe/Monaco).`);
      }
      return raw;
    }, 'UTC')
    .option('--report <file>', 'write the final report, with per-device sent/acked counts and last seq, to this JSON file')
    .exitOverride(usageExit)
    .action(async (flags: SimFlags) => {
      const log = createLogger('sim');
      if (flags.worker) {
        const channel = new WorkerChannel();
        process.exitCode = await runSim(await channel.options, log, channel);
        return;
      }
      const config = loadConfig();
      const options: SimRunOptions = {
          mqttUrl: config.FLEET_MQTT_URL,
          vehicles: flags.vehicles,
          firstVehicle: flags.firstVehicle,
          devicesPerVehicle: flags.devicesPerVehicle,
          ...(flags.duration !== undefined ? { durationS: flags.duration } : {}),
          seed: flags.seed,
          world: flags.world,
          gridBlocks: flags.gridBlocks,
          rate: flags.rate,
          connectRate: flags.connectRate,
          processes: flags.processes,
          teltonikaShare: flags.teltonikaShare,
          obd2Share: flags.obd2Share,
          ...(flags.shiftStartWithin !== undefined ? { shiftStartWithinS: flags.shiftStartWithin } : {}),
          onShiftForS: flags.onShiftFor ?? 0,
          faults: {
            ...noFaults,
            duplicateRate: flags.duplicateRate,
            malformedRate: flags.malformedRate,
            skewShare: flags.skewShare,
            maxSkewS: flags.maxSkew,
            gapsPerHour: flags.gapRate,
            silencesPerHour: flags.silenceRate,
            stormEveryS: flags.stormEvery,
          },
          // Devices are provisioned with the fleet root of `fleet pki init`; without one they refuse every update.
          ...(flags.register ? { register: { databaseUrl: config.FLEET_DATABASE_URL, region: flags.region, timezone: flags.timezone } } : {}),
          ota: {
            trustAnchorPem: await readRootCertificate(pkiPaths(config.FLEET_DATA_DIR)).catch(() => null),
            behaviour: { ...defaultOtaBehaviour, failureRate: flags.otaFailureRate, rollbackRate: flags.otaRollbackRate },
          },
          ...(flags.groundTruth ? { groundTruthFile: flags.groundTruth } : {}),
          ...(flags.report ? { reportFile: flags.report } : {}),
          progressEveryS: flags.progressEvery,
          tty: process.stderr.isTTY === true,
      };
      const nc = await natsForHealth(config.FLEET_NATS_URL, log);
      let health: { stop(): void } | undefined;
      process.exitCode = await runSim(options, log, undefined, (source) => {
        if (!nc) return;
        health = serveHealth(nc, {
          part: 'sim',
          id: `${hostname()}-${process.pid}`,
          stats: () => {
            const { devices, connected, sent, acked, errors, inFlight } = source.totals();
            // firstVehicle and vehicles: the ids this run drives, so another run can keep clear of them.
            return { firstVehicle: flags.firstVehicle, vehicles: flags.vehicles, processes: flags.processes, devices, connected, sent, acked, errors, inFlight };
          },
        });
      });
      health?.stop();
      await nc?.drain();
    });
}

/** The simulator needs only MQTT; NATS is for answering `fleet status`, so without it it runs unseen. */
async function natsForHealth(url: string, log: Logger) {
  try {
    return await connectNats(url, `sim-${hostname()}-${process.pid}`);
  } catch (err) {
    log.warn({ url, err: String(err) }, 'NATS unreachable: running without answering `fleet status`');
    return undefined;
  }
}
