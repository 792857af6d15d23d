import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/env';

/**
 * `fleet`: the one command of the platform. Each capability registers its own subcommands
 * from its folder; this file only assembles them.
 */
const program = new Command('fleet')
  .description('FleetTwin: live digital twins of a vehicle fleet')
  .showHelpAfterError()
  .exitOverride();

const registrations: Array<() => Promise<{ register(program: Command): void }>> = [
  () => import('../../twins/ingress/cli'),
  () => import('../../twins/runtime/cli'),
  () => import('../../twins/geofences/cli'),
  () => import('../db/cli'),
  () => import('../../twins/recorder/cli'),
  () => import('../../workflows/cli'),
  () => import('../../workflows/maintenance/cli'),
  () => import('../../workflows/pilot/cli'),
  () => import('../../workflows/ota/cli'),
  () => import('../pki/cli'),
  () => import('../../simulator/cli'),
  () => import('../../simulator/whatif/cli'),
  () => import('../../web/cli'),
  () => import('../stack/cli'),
];

for (const load of registrations) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'UsageError')) {
    console.error(`fleet: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
}
