/**
 * Node flags for the `fleet` subcommands that allocate a short-lived object graph per message.
 * With V8's default 16 MB semi-spaces the ingress spent ~20 % of its CPU and a simulator worker
 * ~10 % collecting garbage under bench:load; 64 MB halved both, for up to ~150 MB more resident
 * memory. The twin hosts gain less (a few % of a core each) but keep up the same way; a what-if
 * seed process (`whatif`) runs ~7 % faster.
 */
const LARGE_YOUNG_GENERATION = ['--max-semi-space-size=64'];
const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  ingress: LARGE_YOUNG_GENERATION,
  sim: LARGE_YOUNG_GENERATION,
  'twin-host': LARGE_YOUNG_GENERATION,
  whatif: LARGE_YOUNG_GENERATION,
};

export function nodeFlagsFor(subcommand: string | undefined): string[] {
  return [...(NODE_FLAGS[subcommand ?? ''] ?? [])];
}

/** Arguments for `process.execPath` that run `fleet <args>` (bin/fleet.mjs at `bin`) with its subcommand's flags. */
export function fleetArgs(bin: string, args: readonly string[]): string[] {
  return [...nodeFlagsFor(args[0]), bin, ...args];
}
