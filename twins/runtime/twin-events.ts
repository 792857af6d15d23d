import type { TwinEvent } from './vehicle-twin-actor';

/** The EVENTS stream body of a twin event: what happened, to whom, when, and a stable id. */
export interface PublishedTwinEvent {
  id: string;
  kind: string;
  vehicleId: string;
  at: number;
  [field: string]: unknown;
}

/** Subject token of an event type: `device.firmware` → `device_firmware`. */
export function eventKind(event: TwinEvent): string {
  return event.type.replace(/\./g, '_');
}

/**
 * Ids are derived from what caused the event (the telemetry's stream sequence, or the tick time),
 * so a replay after a take-over produces the same ids and JetStream/recorders can drop repeats.
 */
export function toPublished(event: TwinEvent, cause: string, index: number): PublishedTwinEvent {
  const { type: _type, ...fields } = event;
  // The new keys first: V8 adds keys after a spread on a slow path (~1 µs each). No event has
  // fields named `id` or `kind` (vehicle-state.ts), so the spread cannot replace them.
  return { id: `${cause}.${index}`, kind: eventKind(event), ...fields };
}
