/**
 * Node flags for the `fleet` subcommands that allocate a short-lived object graph per message.
 * With V8's default 16 MB semi-spaces the ingress spent ~20 % of its CPU and a simulator worker
 * ~10 % collecting garbage under bench:load; 64 MB halved both, for up to ~150 MB more resident
 * memory. The twin hosts gain less (a few % of a core each) but keep up the same way.
 */
const LARGE_YOUNG_GENERATION = ['--max-semi-space-size=64'];
/**
 * A what-if seed process holds a whole fleet's twins (~1.3 GB at 5,000 vans) and replaces their
 * data reading by reading: much of what a scavenge finds is still alive, so fewer, larger young
 * generations pay. At 5,000 vans scavenging took 10.2 s of a 62 s run with 64 MB semi-spaces,
 * 6.9 s of 56 s with 128 MB (5.7 s of 55 s with 256): 128 MB, for ~200 MB more resident memory.
 */
const WHATIF_YOUNG_GENERATION = ['--max-semi-space-size=128'];
const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  ingress: LARGE_YOUNG_GENERATION,
  sim: LARGE_YOUNG_GENERATION,
  'twin-host': LARGE_YOUNG_GENERATION,
  whatif: WHATIF_YOUNG_GENERATION,
};

export function nodeFlagsFor(subcommand: string | undefined): string[] {
  return [...(NODE_FLAGS[subcommand ?? ''] ?? [])];
}

/** Arguments for `process.execPath` that run `fleet <args>` (bin/fleet.mjs at `bin`) with its subcommand's flags. */
export function fleetArgs(bin: string, args: readonly string[]): string[] {
  return [...nodeFlagsFor(args[0]), bin, ...args];
}
