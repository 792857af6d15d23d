import type { Subscription } from '@nats-io/transport-node';
import type { PartitionFeed } from './partition-feed';
import type { VehicleTwinActor } from './vehicle-twin-actor';

/** What a host keeps for one partition it owns: its twins and how far it has applied the stream. */
export class OwnedPartition {
  readonly twins = new Map<string, VehicleTwinActor>();
  /** Twins changed since the last snapshot. */
  readonly dirty = new Set<string>();
  /** When the last snapshot was taken; until the first, when the partition was taken. */
  savedAt = Date.now();
  /** Stream sequence of the last telemetry message applied. */
  appliedSeq = 0;
  /** The partition's TELEMETRY, from the first sequence not yet applied. */
  feed: PartitionFeed | null = null;
  queries: Subscription | null = null;
  /** Twin commands (twin-commands.ts) for the partition's vehicles. */
  commands: Subscription | null = null;
  closed = false;

  constructor(
    readonly partition: number,
    /** The lease revision this ownership started with. */
    readonly epoch: number,
  ) {}

  close(): void {
    this.closed = true;
    this.queries?.unsubscribe();
    this.commands?.unsubscribe();
    this.feed?.close();
    for (const twin of this.twins.values()) twin.stop();
  }
}
