import { Context } from '@temporalio/activity';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { migrationStatus } from '../../infra/db/migrate';
import { describeDatabaseUrl } from '../../infra/db/pool';
import { daysAround, ensureTelemetryPartitions, expireTelemetryBefore, type ExpiredTelemetry } from '../../infra/db/telemetry-partitions';
import { STREAM_EVENTS, STREAM_TELEMETRY } from '../../twins/bus/subjects';
import type { NatsHealth, PostgresHealth, StreamHealth } from './types';

export interface FleetActivityDeps {
  pool: pg.Pool;
  databaseUrl: string;
  natsUrl: string;
}

/** A health check must answer quickly even when a server hangs. */
const CHECK_TIMEOUT_MS = 3_000;
const EVENTS_DELETE_BATCH = 10_000;

/** The fleet domain's activities, bound to the worker's shared resources. */
export function createActivities(deps: FleetActivityDeps) {
  return {
    /** JetStream answers, and the streams the platform writes to exist. Problems are reported, not thrown. */
    async checkNats(): Promise<NatsHealth> {
      const servers = withoutCredentials(deps.natsUrl);
      const report: NatsHealth = { ok: false, servers, jetstream: false, streams: {} };
      let nc: NatsConnection | undefined;
      try {
        nc = await connect({ servers: deps.natsUrl.split(','), name: 'fleet-health-check', timeout: CHECK_TIMEOUT_MS, reconnect: false });
        const jsm = await jetstreamManager(nc, { timeout: CHECK_TIMEOUT_MS });
        report.jetstream = true;
        for (const name of [STREAM_TELEMETRY, STREAM_EVENTS]) report.streams[name] = await streamHealth(jsm, name);
        const missing = Object.entries(report.streams).filter(([, s]) => !s.present).map(([name]) => name);
        if (missing.length > 0) report.error = `stream ${missing.join(' and ')} missing (the platform's processes create them at start)`;
        report.ok = missing.length === 0;
      } catch (err) {
        report.error = (err as Error).message;
      } finally {
        await nc?.close();
      }
      return report;
    },

    /** PostgreSQL answers and every migration in infra/db/migrations is applied. */
    async checkPostgres(): Promise<PostgresHealth> {
      const report: PostgresHealth = { ok: false, database: describeDatabaseUrl(deps.databaseUrl), applied: 0, pending: [] };
      try {
        const status = await migrationStatus(deps.pool);
        report.applied = status.applied.length;
        report.pending = status.pending.map((m) => m.file);
        if (report.pending.length > 0) report.error = 'migrations pending: run `fleet db migrate`';
        report.ok = report.pending.length === 0;
      } catch (err) {
        report.error = (err as Error).message;
      }
      return report;
    },

    /** Drops the telemetry partitions wholly before the cutoff; a retry carries on from the heartbeat. */
    async expireTelemetryBefore(cutoffMs: number): Promise<ExpiredTelemetry> {
      const ctx = Context.current();
      const done = (ctx.info.heartbeatDetails as ExpiredTelemetry | undefined) ?? { partitions: [], rows: 0 };
      await expireTelemetryBefore(deps.pool, cutoffMs, (partition, rows) => {
        done.partitions.push(partition);
        done.rows += rows;
        ctx.heartbeat(done);
      });
      return done;
    },

    /** Deletes events before the cutoff in batches, so no transaction grows with the backlog. */
    async deleteEventsBefore(cutoffMs: number): Promise<number> {
      const ctx = Context.current();
      let deleted = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
      for (;;) {
        const result = await deps.pool.query(
          `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < to_timestamp($1 / 1000.0) LIMIT $2)`,
          [cutoffMs, EVENTS_DELETE_BATCH],
        );
        deleted += result.rowCount ?? 0;
        ctx.heartbeat(deleted);
        if ((result.rowCount ?? 0) < EVENTS_DELETE_BATCH) return deleted;
      }
    },

    async createTelemetryPartitionsAhead(fromMs: number, daysAhead: number): Promise<string[]> {
      return ensureTelemetryPartitions(deps.pool, daysAround(fromMs, 0, daysAhead));
    },
  };
}

export type FleetActivities = ReturnType<typeof createActivities>;

async function streamHealth(jsm: Awaited<ReturnType<typeof jetstreamManager>>, name: string): Promise<StreamHealth> {
  try {
    const info = await jsm.streams.info(name);
    return { present: true, messages: info.state.messages };
  } catch (err) {
    if (/stream not found/i.test((err as Error).message)) return { present: false };
    throw err;
  }
}

function withoutCredentials(urls: string): string {
  return urls
    .split(',')
    .map((u) => u.replace(/\/\/[^@/]*@/, '//'))
    .join(',');
}
