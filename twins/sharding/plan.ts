/**
 * Who should own how many partitions, and what this host should claim or release now. Pure, so
 * every host computes the same split from the same view of leases and live hosts.
 */
export interface LeaseView {
  hostId: string;
  expiresAt: number;
}

export interface PlanInput {
  me: string;
  partitions: number;
  /** Hosts that heartbeat now, including me. */
  liveHosts: string[];
  /** Current lease per partition (absent: never claimed or released). */
  leases: ReadonlyMap<number, LeaseView>;
  now: number;
}

export interface Plan {
  target: number;
  claim: number[];
  release: number[];
}

/** Sorted hosts share P partitions: the first P mod n get one more than the rest. */
export function fairShare(me: string, liveHosts: string[], partitions: number): number {
  const hosts = [...new Set([...liveHosts, me])].sort();
  const base = Math.floor(partitions / hosts.length);
  const extra = partitions % hosts.length;
  return base + (hosts.indexOf(me) < extra ? 1 : 0);
}

export function planLeases(input: PlanInput): Plan {
  const { me, partitions, leases, now } = input;
  const target = fairShare(me, input.liveHosts, partitions);
  const mine: number[] = [];
  const free: number[] = [];
  for (let p = 0; p < partitions; p++) {
    const lease = leases.get(p);
    if (lease?.hostId === me && lease.expiresAt > now) mine.push(p);
    else if (!lease || lease.expiresAt <= now) free.push(p);
  }
  // Start at a host-specific offset so hosts racing for free partitions rarely collide.
  const offset = hashOf(me) % Math.max(1, free.length);
  const ordered = [...free.slice(offset), ...free.slice(0, offset)];
  // A lease that ran out without being given back belongs to a host that died: its partition
  // is claimed at once whatever the shares say (the dead host may still look live for a
  // heartbeat or two), and the shares are evened out by hand-over afterwards.
  const orphaned = ordered.filter((p) => leases.has(p));
  if (mine.length < target) {
    const claim = new Set([...ordered.slice(0, target - mine.length), ...orphaned]);
    return { target, claim: [...claim], release: [] };
  }
  if (orphaned.length > 0) return { target, claim: orphaned, release: [] };
  if (mine.length > target) {
    // Only give partitions away when someone is short of its share, so a lone survivor keeps all.
    const owners = new Map<string, number>();
    for (const lease of leases.values()) if (lease.expiresAt > now) owners.set(lease.hostId, (owners.get(lease.hostId) ?? 0) + 1);
    const someoneShort = input.liveHosts.some((h) => h !== me && (owners.get(h) ?? 0) < fairShare(h, input.liveHosts, partitions));
    if (someoneShort && free.length === 0) return { target, claim: [], release: mine.slice(target) };
  }
  return { target, claim: [], release: [] };
}

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}
