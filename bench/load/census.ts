import type { NatsConnection } from '@nats-io/transport-node';
import { partitionOf, subjects } from '../../twins/bus/subjects';
import type { LinkStats } from '../../simulator/live/device-link';

/** What a device twin says it applied, read from the twin itself over NATS (`twin.get`). */
export interface DeviceTwinCount {
  /** Readings applied: in order plus late (store-and-forward). */
  applied: number;
  /** Readings the twin recognised as already applied and ignored. */
  duplicates: number;
  tooOld: number;
  lastSeq: number | null;
}

interface TwinReply {
  ok: boolean;
  twin?: { devices: Array<{ deviceId: string; lastSeq: number | null; counts: { inOrder: number; late: number; duplicate: number; tooOld: number } }> };
}

/** Asks every vehicle's owning host for its twin; devices of vehicles nobody answers for are absent. */
export async function twinCensus(nc: NatsConnection, vehicleIds: string[], partitions: number, concurrency = 64): Promise<Map<string, DeviceTwinCount>> {
  const out = new Map<string, DeviceTwinCount>();
  let next = 0;
  const worker = async () => {
    while (next < vehicleIds.length) {
      const vehicleId = vehicleIds[next++]!;
      let reply: TwinReply | undefined;
      for (let attempt = 0; attempt < 3 && !reply?.ok; attempt++) {
        try {
          reply = (await nc.request(subjects.twinQuery(partitionOf(vehicleId, partitions), vehicleId), undefined, { timeout: 5000 })).json<TwinReply>();
        } catch {
          reply = undefined;
        }
      }
      for (const d of reply?.twin?.devices ?? []) {
        out.set(d.deviceId, { applied: d.counts.inOrder + d.counts.late, duplicates: d.counts.duplicate, tooOld: d.counts.tooOld, lastSeq: d.lastSeq });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export interface LossCheck {
  /** Well-formed readings the simulator had acknowledged by the broker. */
  expected: number;
  /** Readings the twins applied. */
  applied: number;
  /** Acknowledged readings no twin applied. */
  lost: number;
  /** Readings applied more often than they were sent. */
  duplicatesApplied: number;
  /**
   * Readings applied whose acknowledgement the device never saw (sent before a connection was cut
   * or the run ended): delivered, so neither lost nor duplicates.
   */
  appliedUnacknowledged: number;
  /** Resends the twins recognised and dropped (beyond JetStream's own de-duplication). */
  duplicatesIgnored: number;
  devicesWithLoss: number;
  /** Devices whose twin's last sequence number is older than the last one acknowledged, or newer than any sent. */
  lastSeqMismatches: number;
  /** A few devices with loss or readings applied twice, for the log. */
  examples: string[];
}

/**
 * The loss check: the simulator's own per-device account (what the broker acknowledged with
 * QoS 1) against what each device's twin applied — never the platform's counters alone.
 */
export function compareWithTwins(devices: LinkStats[], twins: Map<string, DeviceTwinCount>): LossCheck {
  const check: LossCheck = { expected: 0, applied: 0, lost: 0, duplicatesApplied: 0, appliedUnacknowledged: 0, duplicatesIgnored: 0, devicesWithLoss: 0, lastSeqMismatches: 0, examples: [] };
  for (const d of devices) {
    const twin = twins.get(d.deviceId) ?? { applied: 0, duplicates: 0, tooOld: 0, lastSeq: null };
    check.expected += d.readingsAcked;
    check.applied += twin.applied;
    check.duplicatesIgnored += twin.duplicates;
    const lost = Math.max(0, d.readingsAcked - twin.applied);
    check.lost += lost;
    // Every well-formed reading sent at least once may be applied once, acknowledged or not.
    const readingsSent = d.sent - d.duplicatesSent - d.malformedSent;
    const extra = Math.max(0, twin.applied - readingsSent);
    check.duplicatesApplied += extra;
    if (extra > 0 && check.examples.length < 10) {
      check.examples.push(`${d.deviceId} (${d.format}): sent ${d.sent} (${d.duplicatesSent} second copies, ${d.malformedSent} malformed), applied ${twin.applied}, duplicates ignored ${twin.duplicates}, replayed ${d.replayed}, reconnects ${d.reconnects}`);
    }
    check.appliedUnacknowledged += Math.max(0, Math.min(twin.applied, readingsSent) - d.readingsAcked);
    if (lost > 0) {
      check.devicesWithLoss++;
      if (check.examples.length < 5) check.examples.push(`${d.deviceId}: acked ${d.readingsAcked}, applied ${twin.applied}, too old ${twin.tooOld}`);
    }
    // The twin's newest reading lies between the newest acknowledged and the newest sent.
    const last = twin.lastSeq ?? -Infinity;
    if (d.lastSeqAcked !== undefined && (last < d.lastSeqAcked || last > (d.lastSeqSent ?? d.lastSeqAcked))) check.lastSeqMismatches++;
  }
  return check;
}
