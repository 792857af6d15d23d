import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { intIn, numberIn } from '../infra/cli/options';
import { loadConfig } from '../infra/config/env';
import { createLogger } from '../infra/log/logger';
import { deviceCatalogue } from './devices/catalogue';
import { runSim } from './live/run';
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
    .option('--ground-truth <file>', 'append the ground truth of component wear (DTC onset, failure, repair) to this file as JSON lines')
    .option('--report <file>', 'write the final report, with per-device sent/acked counts and last seq, to this JSON file')
    .exitOverride(usageExit)
    .action(async (flags: SimFlags) => {
      const config = loadConfig();
      const code = await runSim(
        {
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
          ...(flags.groundTruth ? { groundTruthFile: flags.groundTruth } : {}),
          ...(flags.report ? { reportFile: flags.report } : {}),
          tty: process.stderr.isTTY === true,
        },
        createLogger('sim'),
      );
      process.exitCode = code;
    });
}
