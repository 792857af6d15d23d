import { errors, type NatsConnection } from '@nats-io/transport-node';
import { partitionOf, subjects } from '../../twins/bus/subjects';

export type TwinLookup =
  | { kind: 'found'; twin: unknown }
  | { kind: 'unowned' }
  | { kind: 'nats_down' }
  | { kind: 'timeout' }
  | { kind: 'bad_reply'; reason: string };

export interface TwinQueryOptions {
  partitions: number;
  timeoutMs: number;
}

/**
 * Asks the owner of the vehicle's partition for the twin (request-reply). Every outcome is a
 * value: 'unowned' when no host serves the partition (NATS "no responders").
 */
export async function queryTwin(
  nc: NatsConnection | null,
  vehicleId: string,
  { partitions, timeoutMs }: TwinQueryOptions,
): Promise<TwinLookup> {
  if (!nc || nc.isClosed()) return { kind: 'nats_down' };
  const subject = subjects.twinQuery(partitionOf(vehicleId, partitions), vehicleId);
  let reply;
  try {
    reply = await nc.request(subject, undefined, { timeout: timeoutMs });
  } catch (err) {
    return classifyRequestError(err);
  }
  if (reply.data.length === 0) return { kind: 'bad_reply', reason: 'empty reply' };
  try {
    const twin: unknown = JSON.parse(new TextDecoder().decode(reply.data));
    // The owner of a partition answers for ids it has no twin for with nothing useful.
    return twin === null ? { kind: 'unowned' } : { kind: 'found', twin };
  } catch {
    return { kind: 'bad_reply', reason: 'reply is not JSON' };
  }
}

function classifyRequestError(err: unknown): TwinLookup {
  if (err instanceof errors.TimeoutError) return { kind: 'timeout' };
  if (err instanceof errors.RequestError && err.isNoResponders()) return { kind: 'unowned' };
  if (err instanceof errors.NoRespondersError) return { kind: 'unowned' };
  // Disconnected while asking, closed, draining: from the browser's side NATS is down.
  return { kind: 'nats_down' };
}
