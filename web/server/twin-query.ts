import { z } from 'zod';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { partitionOf, subjects } from '../../twins/bus/subjects';

/**
 * The owner's answer on subjects.twinQuery, as twins/runtime/twin-host.ts sends it. The twin
 * itself is still settling, so it is passed on as it comes and drawn generically.
 */
export const twinReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), hostId: z.string(), twin: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export type TwinLookup =
  | { kind: 'found'; hostId: string; twin: unknown }
  /** The partition's owner answered, but has no twin of that id. */
  | { kind: 'unknown'; reason: string }
  /** Nobody serves the partition (NATS "no responders"). */
  | { kind: 'unowned' }
  | { kind: 'nats_down' }
  | { kind: 'timeout' }
  | { kind: 'bad_reply'; reason: string };

export interface TwinQueryOptions {
  partitions: number;
  timeoutMs: number;
}

/** Asks the owner of the vehicle's partition for the twin. Every outcome is a value. */
export async function queryTwin(
  nc: NatsConnection | null,
  vehicleId: string,
  { partitions, timeoutMs }: TwinQueryOptions,
): Promise<TwinLookup> {
  if (!nc || nc.isClosed()) return { kind: 'nats_down' };
  const subject = subjects.twinQuery(partitionOf(vehicleId, partitions), vehicleId);
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, undefined, { timeout: timeoutMs })).data;
  } catch (err) {
    return classifyRequestError(err);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { kind: 'bad_reply', reason: 'reply is not JSON' };
  }
  const reply = twinReplySchema.safeParse(json);
  if (!reply.success) return { kind: 'bad_reply', reason: 'reply is neither {ok:true, hostId, twin} nor {ok:false, error}' };
  return reply.data.ok
    ? { kind: 'found', hostId: reply.data.hostId, twin: reply.data.twin }
    : { kind: 'unknown', reason: reply.data.error };
}

function classifyRequestError(err: unknown): TwinLookup {
  if (err instanceof errors.TimeoutError) return { kind: 'timeout' };
  if (err instanceof errors.RequestError && err.isNoResponders()) return { kind: 'unowned' };
  if (err instanceof errors.NoRespondersError) return { kind: 'unowned' };
  // Disconnected while asking, closed, draining: from the browser's side NATS is down.
  return { kind: 'nats_down' };
}
