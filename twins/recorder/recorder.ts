import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import type { Logger } from '../../infra/log/logger';
import { daysAround, ensureTelemetryPartitions } from '../../infra/db/telemetry-partitions';
import { STREAM_EVENTS, STREAM_TELEMETRY, subjects } from '../bus/subjects';
import { decodeEvent, decodeTelemetry, type EventRow, type TelemetryRow } from './records';
import { StreamRecorder, type StreamRecorderStats } from './stream-recorder';
import { EventWriter, TelemetryWriter } from './writers';

export interface RecorderOptions {
  batchSize: number;
  ackWaitMs: number;
  fetchWaitMs?: number;
  /** Durable consumer names; processes with the same names share the work. */
  durables?: { events: string; telemetry: string };
  /** What to record of each stream (default: all of it). */
  filters?: { events: string; telemetry: string };
}

export const defaultDurables = { events: 'recorder-events', telemetry: 'recorder-telemetry' } as const;
/** Partitions made ready when the recorder starts: yesterday to a week ahead. */
const PARTITIONS_BEHIND = 1;
const PARTITIONS_AHEAD = 7;

/** `fleet recorder`: EVENTS → events, TELEMETRY → telemetry_history. */
export class Recorder {
  private constructor(
    readonly events: StreamRecorder<EventRow>,
    readonly telemetry: StreamRecorder<TelemetryRow>,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  static async create(nc: NatsConnection, pool: pg.Pool, options: RecorderOptions, log: Logger): Promise<Recorder> {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const durables = options.durables ?? defaultDurables;
    const filters = options.filters ?? { events: subjects.eventsAll, telemetry: subjects.telemetryAll };
    const common = { batchSize: options.batchSize, ackWaitMs: options.ackWaitMs, fetchWaitMs: options.fetchWaitMs, log };
    const events = new StreamRecorder(js, jsm, {
      ...common,
      stream: STREAM_EVENTS,
      durable: durables.events,
      filterSubject: filters.events,
      decode: decodeEvent,
      bodyOf: (row) => row.payload,
      writer: new EventWriter(pool),
    });
    const telemetry = new StreamRecorder(js, jsm, {
      ...common,
      stream: STREAM_TELEMETRY,
      durable: durables.telemetry,
      filterSubject: filters.telemetry,
      decode: decodeTelemetry,
      bodyOf: (row) => row.record,
      writer: new TelemetryWriter(pool),
    });
    return new Recorder(events, telemetry, pool, log);
  }

  async start(): Promise<void> {
    await ensureTelemetryPartitions(this.pool, daysAround(Date.now(), PARTITIONS_BEHIND, PARTITIONS_AHEAD));
    await Promise.all([this.events.start(), this.telemetry.start()]);
    this.log.info('recording EVENTS and TELEMETRY');
  }

  /** Each stream finishes the batch in hand (written and acked). */
  async stop(): Promise<void> {
    await Promise.all([this.events.stop(), this.telemetry.stop()]);
  }

  get stats(): { events: StreamRecorderStats; telemetry: StreamRecorderStats } {
    return { events: this.events.stats, telemetry: this.telemetry.stats };
  }
}
