import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/env';
import { intIn } from '../cli/options';
import { collectFleetStatus } from '../health/fleet-status';
import { platformParts, requiredParts } from '../health/parts';
import { formatFleetStatus } from '../health/print-status';
import { StackError } from './errors';
import { validateServerSettings } from './servers';
import { runPlatform } from './up';

/** `fleet up` runs the whole platform on this machine; `fleet status` says how healthy it is. */
export function register(program: Command): void {
  program
    .command('up')
    .description(
      'Find or start NATS, Mosquitto, PostgreSQL and Temporal, then run ingress, twin host, worker, recorder, web app and a simulated fleet; Ctrl-C stops it all',
    )
    .option('--vehicles <n>', 'simulated fleet size (0: no simulator)', intIn(0, 100_000), 50)
    .option('--no-web', 'do not run the web app')
    .option('--no-sim', 'do not run the simulator')
    .exitOverride(usageErrorsExit2)
    .action(async (opts: { vehicles: number; web: boolean; sim: boolean }) => {
      const config = loadConfig();
      validateServerSettings(config);
      const commands = new Set(program.commands.map((c) => c.name()));
      try {
        process.exitCode = await runPlatform(config, opts, commands);
      } catch (err) {
        if (!(err instanceof StackError)) throw err;
        console.error(`fleet up: ${err.message}`);
        process.exitCode = 1;
      }
    });

  program
    .command('status')
    .description('Health of every server and platform part, the web app and the Temporal workers; exits 0 when all is healthy, 1 otherwise')
    .option('--json', 'print the same as JSON')
    .option('--require <parts>', `comma-separated parts that must be running (of ${platformParts.join(', ')})`, partList, [...requiredParts])
    .exitOverride(usageErrorsExit2)
    .action(async (opts: { json?: boolean; require: string[] }) => {
      const config = loadConfig();
      validateServerSettings(config);
      const status = await collectFleetStatus(config, opts.require);
      console.log(opts.json ? JSON.stringify(status, null, 2) : formatFleetStatus(status));
      process.exitCode = status.healthy ? 0 : 1;
    });
}

function partList(raw: string): string[] {
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !(platformParts as readonly string[]).includes(p));
  if (unknown.length) throw new InvalidArgumentError(`unknown part(s) ${unknown.join(', ')}; parts are ${platformParts.join(', ')}.`);
  return parts;
}

/** Commander exits 1 on a bad flag; FleetTwin's commands exit 2 on usage errors (1 means "not healthy"/"failed"). */
function usageErrorsExit2(err: CommanderError): never {
  throw err.exitCode === 1 ? new CommanderError(2, err.code, err.message) : err;
}
