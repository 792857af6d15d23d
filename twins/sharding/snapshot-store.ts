import { gunzipSync } from 'node:zlib';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { PersistedTwin } from '../runtime/vehicle-twin-actor';

export const SNAPSHOT_BUCKET = 'TWIN_SNAPSHOTS';

export interface PartitionMarker {
  /** Every stored twin of the partition includes all telemetry up to this stream sequence. */
  seq: number;
  hostId: string;
  at: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Snapshots written by earlier versions were gzipped: they still load. */
const isGzip = (data: Uint8Array) => data[0] === 0x1f && data[1] === 0x8b;

/**
 * Twin snapshots in a JetStream KV bucket: one key per vehicle (`v.<partition>.<vehicleId>`,
 * persisted actor snapshots as JSON; gzip, a new compressor per twin, was a sixth of a twin
 * host's CPU under load, and NATS pays per message, not per byte) and one marker per partition (`p.<partition>`) with the
 * stream sequence they include. Saving is incremental (only twins changed since the last save);
 * twins may run ahead of the marker, which is safe because applying is idempotent by device
 * sequence number.
 */
export class SnapshotStore {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
  ) {}

  static async open(nc: NatsConnection): Promise<SnapshotStore> {
    const kv = await new Kvm(nc).create(SNAPSHOT_BUCKET, { history: 1 });
    return new SnapshotStore(nc, kv);
  }

  async save(partition: number, marker: PartitionMarker, twins: PersistedTwin[]): Promise<void> {
    const chunk = 200;
    for (let i = 0; i < twins.length; i += chunk) {
      await Promise.all(
        twins.slice(i, i + chunk).map((t) => this.kv.put(`v.${partition}.${t.vehicleId}`, encoder.encode(JSON.stringify(t)))),
      );
    }
    await this.kv.put(`p.${partition}`, encoder.encode(JSON.stringify(marker)));
  }

  /** The partition's marker and all its stored twins, read in one pass over the bucket's stream. */
  async load(partition: number): Promise<{ marker: PartitionMarker | null; twins: PersistedTwin[] }> {
    const entry = await this.kv.get(`p.${partition}`);
    const marker = entry?.operation === 'PUT' ? entry.json<PartitionMarker>() : null;
    if (!marker) return { marker: null, twins: [] };
    const js = jetstream(this.nc);
    const stream = `KV_${SNAPSHOT_BUCKET}`;
    const subject = `$KV.${SNAPSHOT_BUCKET}.v.${partition}.>`;
    const twins: PersistedTwin[] = [];
    const consumer = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.LastPerSubject });
    const jsm = await js.jetstreamManager();
    // How many keys to expect: an empty partition must not wait for messages that never come.
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    let remaining = Object.keys(info.state.subjects ?? {}).length;
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, 1000), expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        remaining = m.info.pending;
        const op = m.headers?.get('KV-Operation');
        if (op === 'DEL' || op === 'PURGE') continue;
        twins.push(JSON.parse(isGzip(m.data) ? gunzipSync(m.data).toString('utf8') : decoder.decode(m.data)) as PersistedTwin);
      }
      if (got === 0) break;
    }
    return { marker, twins };
  }
}
