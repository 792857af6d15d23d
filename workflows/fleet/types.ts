/**
 * What the fleet domain's workflows take and return. Plain JSON: it travels through Temporal's
 * history, and workflow code imports it as types only.
 */

export interface StreamHealth {
  present: boolean;
  messages?: number;
}

export interface NatsHealth {
  ok: boolean;
  /** Server list without credentials. */
  servers: string;
  jetstream: boolean;
  streams: Record<string, StreamHealth>;
  error?: string;
}

export interface PostgresHealth {
  ok: boolean;
  /** user@host:port/database, without the password. */
  database: string;
  applied: number;
  pending: string[];
  error?: string;
}

export interface HealthReport {
  ok: boolean;
  checkedAt: number;
  nats: NatsHealth;
  postgres: PostgresHealth;
}

export interface RetentionPolicy {
  telemetryDays: number;
  eventsDays: number;
  /** Daily telemetry partitions kept ready ahead of today. */
  partitionDaysAhead: number;
}

export interface RetentionReport {
  ranAt: number;
  telemetryCutoff: number;
  eventsCutoff: number;
  telemetryPartitionsDropped: string[];
  telemetryRowsDeleted: number;
  eventsDeleted: number;
  telemetryPartitionsCreated: string[];
}

/** Where a running retention is: answered by retentionProgressQuery. */
export type RetentionProgress =
  | { step: 'telemetry' | 'events' | 'partitions'; report: Partial<RetentionReport> }
  | { step: 'done'; report: RetentionReport };
