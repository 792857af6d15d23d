import type { FleetDelta, VehicleSummary } from '../../twins/projection/fleet-view';

/** What changed since the last `takeChanges()`: upserts by id, and ids no host owns any more. */
export interface FleetChanges {
  vehicles: VehicleSummary[];
  removed: string[];
}

interface Owned {
  summary: VehicleSummary;
  hostId: string;
  /** `at` of the owner's latest delta that listed it. */
  listedAt: number;
}

/**
 * The web server's picture of the fleet, folded from the twin hosts' deltas. A vehicle belongs to
 * the host that last reported it; a host's `full` batch is the truth about what it owns, so owned
 * vehicles missing from it are gone (moved to another host, or retired). A host with many twins
 * sends one full batch as several messages with the same `at`, so a batch is known complete only
 * when the next one begins: vehicles it did not list leave then (one full period late).
 */
export class FleetProjection {
  private readonly vehicles = new Map<string, Owned>();
  private readonly hostSeenAt = new Map<string, number>();
  /** `at` of each host's full batch in progress. */
  private readonly hostFullAt = new Map<string, number>();
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private lastDeltaAt: number | null = null;

  apply(delta: FleetDelta, receivedAt: number = Date.now()): void {
    this.hostSeenAt.set(delta.hostId, receivedAt);
    this.lastDeltaAt = receivedAt;
    const previousFull = this.hostFullAt.get(delta.hostId);
    if (delta.full && previousFull !== delta.at) {
      // The previous full batch is complete: what it did not list, the host no longer owns.
      if (previousFull !== undefined) {
        for (const [id, owned] of this.vehicles) {
          if (owned.hostId === delta.hostId && owned.listedAt < previousFull) this.remove(id);
        }
      }
      this.hostFullAt.set(delta.hostId, delta.at);
    }
    for (const summary of delta.vehicles) this.upsert(delta.hostId, summary, delta.at);
  }

  /** Drops the vehicles of hosts not heard from for `silenceMs` (stopped or crashed hosts). */
  expireSilentHosts(now: number, silenceMs: number): string[] {
    const silent = [...this.hostSeenAt].filter(([, seenAt]) => now - seenAt > silenceMs).map(([hostId]) => hostId);
    if (silent.length === 0) return [];
    const gone = new Set(silent);
    for (const hostId of silent) {
      this.hostSeenAt.delete(hostId);
      this.hostFullAt.delete(hostId);
    }
    for (const [id, owned] of this.vehicles) if (gone.has(owned.hostId)) this.remove(id);
    return silent;
  }

  /**
   * Restarts every host's silence clock: used after the web server's own NATS link was down,
   * when the silence was ours and not the hosts'.
   */
  forgiveSilence(now: number): void {
    for (const hostId of this.hostSeenAt.keys()) this.hostSeenAt.set(hostId, now);
  }

  snapshot(): VehicleSummary[] {
    return Array.from(this.vehicles.values(), (owned) => owned.summary);
  }

  get(vehicleId: string): VehicleSummary | undefined {
    return this.vehicles.get(vehicleId)?.summary;
  }

  /** The changes since the previous call, then forgets them. */
  takeChanges(): FleetChanges {
    const vehicles: VehicleSummary[] = [];
    for (const id of this.changed) {
      const owned = this.vehicles.get(id);
      if (owned) vehicles.push(owned.summary);
    }
    const changes = { vehicles, removed: [...this.removed] };
    this.changed.clear();
    this.removed.clear();
    return changes;
  }

  stats(): { vehicles: number; hosts: number; lastDeltaAt: number | null } {
    return { vehicles: this.vehicles.size, hosts: this.hostSeenAt.size, lastDeltaAt: this.lastDeltaAt };
  }

  private upsert(hostId: string, summary: VehicleSummary, listedAt: number): void {
    const known = this.vehicles.get(summary.id);
    // A twin that moved between hosts may still be listed by its old host for a moment:
    // the newer reading wins, whoever sends it.
    if (known && known.summary.updatedAt > summary.updatedAt) return;
    this.vehicles.set(summary.id, { summary, hostId, listedAt });
    this.removed.delete(summary.id);
    // Full batches repeat every vehicle; only real changes go out to the browsers.
    if (!known || !sameSummary(known.summary, summary)) this.changed.add(summary.id);
  }

  private remove(vehicleId: string): void {
    this.vehicles.delete(vehicleId);
    this.changed.delete(vehicleId);
    this.removed.add(vehicleId);
  }
}

function sameSummary(a: VehicleSummary, b: VehicleSummary): boolean {
  return (
    a.updatedAt === b.updatedAt &&
    a.lat === b.lat &&
    a.lon === b.lon &&
    a.speedKph === b.speedKph &&
    a.headingDeg === b.headingDeg &&
    a.motion === b.motion &&
    a.health === b.health &&
    a.connectivity === b.connectivity &&
    a.odometerKm === b.odometerKm
  );
}
