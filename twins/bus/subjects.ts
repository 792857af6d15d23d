/**
 * NATS names shared by every process. A vehicle and all its devices live in one partition,
 * so one owner sees all of a vehicle's telemetry in stream order.
 */
export const STREAM_TELEMETRY = 'TELEMETRY';
export const STREAM_EVENTS = 'EVENTS';
export const STREAM_DEAD_LETTER = 'DEADLETTER';
export const STREAM_COMMANDS = 'COMMANDS';
/** JetStream object store of firmware artifacts, one object per manifest id. */
export const OBJECT_STORE_FIRMWARE = 'FIRMWARE';

/** FNV-1a, 32 bit: cheap, stable across processes and languages. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function partitionOf(vehicleId: string, partitions: number): number {
  return fnv1a(vehicleId) % partitions;
}

export const subjects = {
  /** Batches of a partition's readings (twins/telemetry/batch.ts), of all its vehicles. */
  telemetry: (partition: number) => `tel.${partition}`,
  telemetryAll: 'tel.>',
  event: (kind: string, vehicleId: string) => `evt.${kind}.${vehicleId}`,
  eventsAll: 'evt.>',
  deadLetter: (stage: string, reason: string) => `dlq.${stage}.${reason}`,
  deadLetterAll: 'dlq.>',
  /** Request-reply: the owner of the partition answers with the twin as JSON. */
  twinQuery: (partition: number, vehicleId: string) => `twin.get.${partition}.${vehicleId}`,
  twinQueryOfPartition: (partition: number) => `twin.get.${partition}.*`,
  /** Request-reply: the owner of the partition applies a command to the twin (twins/runtime/twin-commands.ts). */
  twinCommand: (partition: number, vehicleId: string) => `twin.cmd.${partition}.${vehicleId}`,
  twinCommandOfPartition: (partition: number) => `twin.cmd.${partition}.*`,
  /** Core NATS: batched position/state deltas of all twins a host owns, for the fleet projection. */
  fleetDeltas: (hostId: string) => `fleet.deltas.${hostId}`,
  fleetDeltasAll: 'fleet.deltas.*',
  /** Commands to a vehicle's devices (JetStream COMMANDS), bridged to MQTT by twins/commands. */
  command: (vehicleId: string) => `cmd.${vehicleId}`,
  commandsAll: 'cmd.>',
  /** Request-many: every twin host answers with its partitions, twins and lag. */
  twinHostStatus: 'fleet.twins.status',
} as const;

/** Headers carried by dead letters, beside the raw payload bytes as the message body. */
export const deadLetterHeaders = {
  reason: 'Fleet-Reason',
  detail: 'Fleet-Detail',
  topic: 'Fleet-Mqtt-Topic',
  receivedAt: 'Fleet-Received-At',
  stage: 'Fleet-Stage',
} as const;
