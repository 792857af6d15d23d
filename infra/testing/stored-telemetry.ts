import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { partitionOf, STREAM_TELEMETRY, subjects } from '../../twins/bus/subjects';
import { decodeTelemetryBatch } from '../../twins/telemetry/batch';
import type { Telemetry } from '../../twins/telemetry/schema';

/**
 * A vehicle's readings stored in TELEMETRY since `since` (its partition's batches, which hold
 * other vehicles' too: reading a busy partition from the start can outlast any timeout), read
 * until `expected` of them are found or the timeout passes.
 */
export async function storedReadings(nc: NatsConnection, vehicleId: string, options: { partitions: number; since: Date; expected: number; timeoutMs: number }): Promise<Telemetry[]> {
  const consumer = await jetstream(nc).consumers.get(STREAM_TELEMETRY, {
    filter_subjects: subjects.telemetry(partitionOf(vehicleId, options.partitions)),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(options.since.getTime() - 1000).toISOString(),
  });
  const found: Telemetry[] = [];
  for (const deadline = Date.now() + options.timeoutMs; found.length < options.expected && Date.now() < deadline; ) {
    // Each pull is read to its end: leaving it early (say once nothing was pending) drops what
    // it delivers afterwards, and the ordered consumer has moved past those batches for good.
    for await (const m of await consumer.fetch({ max_messages: 1000, expires: 1000 })) {
      const batch = decodeTelemetryBatch(m.string());
      if (!batch.ok) continue;
      for (const entry of batch.entries) if (entry.ok && entry.record.vehicleId === vehicleId) found.push(entry.record);
    }
  }
  return found;
}
