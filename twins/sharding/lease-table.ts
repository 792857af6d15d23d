import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { LeaseView } from './plan';

export const LEASE_BUCKET = 'TWIN_LEASES';
export const HOST_BUCKET = 'TWIN_HOSTS';

const encoder = new TextEncoder();
const leaseKey = (partition: number) => `p.${partition}`;

interface Held {
  /** KV revision of our last write: the fencing token every renewal must match. */
  revision: number;
  expiresAt: number;
}

/**
 * Partition leases in a JetStream KV bucket. A lease is `{hostId, expiresAt}` under `p.<n>`; it
 * is taken with create (or update at the revision of an expired lease) and renewed with update at
 * the revision we last wrote, so two hosts can never both believe they hold it: the loser of any
 * race gets a revision mismatch. Expiry is judged by wall clocks, so hosts keep their clocks in
 * sync (NTP) well within the safety margin.
 */
export class LeaseTable {
  private readonly view = new Map<number, LeaseView>();
  private readonly held = new Map<number, Held>();
  private readonly hosts = new Map<string, number>();
  private stopWatching: Array<() => void> = [];
  private renewing: Promise<number[]> | null = null;
  /** Called when a lease is given back, so waiting hosts can claim it without a heartbeat's delay. */
  onReleased: () => void = () => {};

  private constructor(
    private readonly leases: KV,
    private readonly members: KV,
    readonly hostId: string,
    readonly ttlMs: number,
  ) {}

  static async open(nc: NatsConnection, hostId: string, ttlMs: number): Promise<LeaseTable> {
    // A renewal whose reply is late is retried well before the lease runs out (ownWrite below
    // recognises the first one if it landed after all).
    const kvm = new Kvm(jetstream(nc, { timeout: Math.max(500, Math.floor(ttlMs / 3)) }));
    const leases = await kvm.create(LEASE_BUCKET, { history: 1 });
    // Host heartbeats expire with the bucket's max age, so a killed host drops out by itself.
    const members = await kvm.create(HOST_BUCKET, { history: 1, ttl: ttlMs * 3 });
    const table = new LeaseTable(leases, members, hostId, ttlMs);
    await table.follow();
    return table;
  }

  private async follow(): Promise<void> {
    const leaseWatch = await this.leases.watch({ key: 'p.*' });
    const hostWatch = await this.members.watch({ key: 'h.*' });
    this.stopWatching = [() => leaseWatch.stop(), () => hostWatch.stop()];
    void (async () => {
      for await (const e of leaseWatch) {
        const partition = Number(e.key.slice(2));
        if (e.operation === 'PUT') this.view.set(partition, e.json<LeaseView>());
        else {
          this.view.delete(partition);
          if (e.isUpdate) this.onReleased();
        }
      }
    })();
    void (async () => {
      for await (const e of hostWatch) {
        const hostId = e.key.slice(2);
        if (e.operation === 'PUT') this.hosts.set(hostId, e.json<{ at: number }>().at);
        else this.hosts.delete(hostId);
      }
    })();
  }

  /** Announces this host as alive; called every heartbeat. */
  async heartbeat(now: number): Promise<void> {
    await this.members.put(`h.${this.hostId}`, encoder.encode(JSON.stringify({ at: now })));
    this.hosts.set(this.hostId, now);
  }

  liveHosts(now: number): string[] {
    return [...this.hosts.entries()].filter(([, at]) => at > now - this.ttlMs).map(([id]) => id);
  }

  /**
   * Every lease as this host knows it: the watched bucket, overlaid with the leases held here. The
   * watch lags under load; without the overlay a partition claimed or renewed a moment ago looks
   * free or expired, and the plan would claim it a second time while it runs.
   */
  leaseView(): ReadonlyMap<number, LeaseView> {
    const view = new Map(this.view);
    for (const [partition, held] of this.held) view.set(partition, { hostId: this.hostId, expiresAt: held.expiresAt });
    return view;
  }

  ownedPartitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** When our lease on the partition runs out, or null if we hold none. */
  expiresAt(partition: number): number | null {
    return this.held.get(partition)?.expiresAt ?? null;
  }

  /** True while our lease on the partition is valid with `marginMs` to spare: the fence for applying. */
  holds(partition: number, now: number, marginMs: number): boolean {
    const held = this.held.get(partition);
    return held !== undefined && held.expiresAt - marginMs > now;
  }

  /** Takes a free or expired partition; resolves to the lease revision (epoch) or null if another host won. */
  async claim(partition: number, now: number): Promise<number | null> {
    const value = encoder.encode(JSON.stringify({ hostId: this.hostId, expiresAt: now + this.ttlMs } satisfies LeaseView));
    try {
      const current = await this.leases.get(leaseKey(partition));
      let revision: number;
      if (!current || current.operation !== 'PUT') {
        revision = await this.leases.create(leaseKey(partition), value);
      } else {
        const lease = current.json<LeaseView>();
        if (lease.expiresAt > now && lease.hostId !== this.hostId) return null;
        revision = await this.leases.update(leaseKey(partition), value, current.revision);
      }
      this.held.set(partition, { revision, expiresAt: now + this.ttlMs });
      return revision;
    } catch {
      return null; // lost the race: someone wrote first
    }
  }

  /**
   * Extends every held lease; resolves to the partitions whose lease was lost (someone else wrote
   * it). One renewal runs at a time: a caller arriving during one shares it.
   */
  renewAll(now: number): Promise<number[]> {
    this.renewing ??= this.renewHeld(now).finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async renewHeld(now: number): Promise<number[]> {
    const lost: number[] = [];
    await Promise.all(
      [...this.held.entries()].map(async ([partition, held]) => {
        const value = encoder.encode(JSON.stringify({ hostId: this.hostId, expiresAt: now + this.ttlMs } satisfies LeaseView));
        try {
          const revision = await this.leases.update(leaseKey(partition), value, held.revision);
          // Released or dropped meanwhile: the new revision is not ours to keep.
          if (this.held.get(partition) === held) this.held.set(partition, { revision, expiresAt: now + this.ttlMs });
        } catch (err) {
          // A timeout leaves the lease ours until it expires; a revision mismatch means it is gone,
          // unless the write that moved the revision was our own earlier renewal whose reply timed out.
          if (!/wrong last sequence|revision/i.test((err as Error).message) || this.held.get(partition) !== held) return;
          const landed = await this.ownWrite(partition).catch(() => null);
          if (this.held.get(partition) !== held) return;
          if (landed) {
            this.held.set(partition, landed);
          } else {
            this.held.delete(partition);
            lost.push(partition);
          }
        }
      }),
    );
    return lost;
  }

  /**
   * The lease as it stands if this host wrote it last. Only this host writes its own id, so a
   * current entry naming it is a renewal of ours that landed though its reply never came.
   */
  private async ownWrite(partition: number): Promise<Held | null> {
    const current = await this.leases.get(leaseKey(partition));
    if (!current || current.operation !== 'PUT') return null;
    const lease = current.json<LeaseView>();
    return lease.hostId === this.hostId ? { revision: current.revision, expiresAt: lease.expiresAt } : null;
  }

  /** Gives a partition back at once (after its snapshot is written) so another host can claim it. */
  async release(partition: number): Promise<void> {
    // A renewal in flight would move the revision under the delete below.
    await this.renewing;
    const held = this.held.get(partition);
    this.held.delete(partition);
    if (!held) return;
    try {
      await this.leases.delete(leaseKey(partition), { previousSeq: held.revision });
    } catch {
      // Already taken over: nothing to give back.
    }
  }

  /** Forgets a partition locally, e.g. when its lease ran out before it could be renewed. */
  drop(partition: number): void {
    this.held.delete(partition);
  }

  async leave(): Promise<void> {
    for (const partition of this.ownedPartitions()) await this.release(partition);
    await this.members.delete(`h.${this.hostId}`).catch(() => undefined);
    for (const stop of this.stopWatching) stop();
  }
}
