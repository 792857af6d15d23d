import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { STREAM_COMMANDS, STREAM_DEAD_LETTER, STREAM_EVENTS, STREAM_TELEMETRY, subjects } from './subjects';

export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  // No stack captured per request: a JetStream publish is a request, and capturing one cost ~5 % of the ingress's CPU.
  return connect({ servers: url.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
}

const HOUR_NS = nanos(3_600_000);

/** The streams every part relies on; created or brought up to date at start, idempotently. */
export const streamConfigs: Array<Partial<StreamConfig> & { name: string; subjects: string[] }> = [
  {
    name: STREAM_TELEMETRY,
    subjects: [subjects.telemetryAll],
    storage: 'file' as StreamConfig['storage'],
    max_age: 24 * HOUR_NS,
    // A batch the ingress retries (same Nats-Msg-Id) inside this window is stored once; a
    // device's resend is a new batch, dropped by twins and the recorder by sequence number.
    duplicate_window: nanos(120_000),
  },
  {
    name: STREAM_EVENTS,
    subjects: [subjects.eventsAll],
    storage: 'file' as StreamConfig['storage'],
    max_age: 7 * 24 * HOUR_NS,
  },
  {
    name: STREAM_DEAD_LETTER,
    subjects: [subjects.deadLetterAll],
    storage: 'file' as StreamConfig['storage'],
    max_age: 30 * 24 * HOUR_NS,
  },
  {
    // Work queue: each command is bridged to its device once, by whichever bridge takes it.
    name: STREAM_COMMANDS,
    subjects: [subjects.commandsAll],
    storage: 'file' as StreamConfig['storage'],
    retention: 'workqueue' as StreamConfig['retention'],
    max_age: HOUR_NS,
    duplicate_window: nanos(600_000),
  },
];

export async function ensureStreams(nc: NatsConnection): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  for (const config of streamConfigs) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
      await jsm.streams.add(config);
    }
  }
  return jsm;
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof Error && /stream not found/i.test(err.message);
}
