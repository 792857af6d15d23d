import { fileURLToPath } from 'node:url';
import { fleetArgs as fleetArgsAt } from './node-flags';

export { nodeFlagsFor } from './node-flags';

/** The `fleet` command's entry point, to start its subcommands as child processes. */
export const FLEET_BIN = fileURLToPath(new URL('../../bin/fleet.mjs', import.meta.url));

/** Arguments for `process.execPath` that run `fleet <args>` with its subcommand's flags. */
export function fleetArgs(args: readonly string[]): string[] {
  return fleetArgsAt(FLEET_BIN, args);
}
