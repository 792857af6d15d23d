import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { bundleWorkflowCode, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { FleetConfig } from '../infra/config/env';
import type { RunningService } from '../infra/cli/service';
import { openDatabase } from '../infra/db/pool';
import { serveHealth } from '../infra/health/serve-health';
import type { Logger } from '../infra/log/logger';
import type { TemporalConfig } from '../temporal.config';
import { connectNats } from '../twins/bus/connect';
import { connectTemporalClient } from './client';
import { domainWorkers, type BesideService, type DomainWorker, type WorkerResources } from './domains';
import { NatsUnreachableError, temporalUnreachable } from './errors';
import { ensureRetentionSchedule, retentionPolicyOf } from './fleet/schedules';
import { temporalLogger } from './temporal-logger';

/** The connection Workers poll through (the Rust core's), from temporal.config.ts. */
export async function connectWorkerConnection(temporal: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: temporal.address, tls: temporal.tls });
  } catch (err) {
    throw temporalUnreachable(temporal, err);
  }
}

/**
 * What every domain's Worker shares. Heartbeats go to the server at least every few seconds (the
 * SDK's default holds them back up to 80 % of the heartbeat timeout): they carry a what-if run's
 * progress to its page and bring a cancellation back to the activity.
 */
export const sharedWorkerOptions = {
  // Lets running activities finish on SIGTERM, within the process's own grace period.
  shutdownGraceTime: '8 seconds',
  maxHeartbeatThrottleInterval: '3 seconds',
} as const;

/** One Worker per domain, all on one connection; each runs its domain's workflow code, bundled by the SDK here. */
export async function createWorkers(
  connection: NativeConnection,
  temporal: TemporalConfig,
  resources: WorkerResources,
  log: Logger,
  domains: DomainWorker[] = domainWorkers,
): Promise<Worker[]> {
  const bundlerLog = temporalLogger(log, { infoAsDebug: true });
  return Promise.all(
    domains.map(async (d) =>
      Worker.create({
        connection,
        namespace: temporal.namespace,
        taskQueue: temporal.taskQueues[d.domain],
        workflowBundle: await bundleWorkflowCode({ workflowsPath: d.workflowsPath, logger: bundlerLog }),
        activities: d.createActivities(resources),
        ...sharedWorkerOptions,
      }),
    ),
  );
}

/**
 * `fleet worker`: connects (Temporal first, the likeliest to be missing), builds every domain's
 * worker, keeps the retention schedule in line with the settings, answers `fleet status`, and
 * polls until stopped.
 */
export async function startWorkerProcess(config: FleetConfig, temporal: TemporalConfig, log: Logger): Promise<RunningService> {
  // Signals belong to the process (runUntilSignal), so the SDK must not install its own handlers.
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  const id = `${hostname()}-${process.pid}`;
  let connection: NativeConnection | undefined;
  let client: Client | undefined;
  let pool: pg.Pool | undefined;
  let nats: NatsConnection | undefined;
  try {
    connection = await connectWorkerConnection(temporal);
    client = await connectTemporalClient(temporal);
    pool = await openDatabase(config.FLEET_DATABASE_URL, { log });
    nats = await connectNats(config.FLEET_NATS_URL, `worker-${id}`).catch((err: unknown) => {
      throw new NatsUnreachableError(config.FLEET_NATS_URL, err);
    });
    const workers = await createWorkers(connection, temporal, { config, pool, nats }, log);
    const schedule = await ensureRetentionSchedule(client, temporal, config);
    log.info({ schedule, cron: config.FLEET_RETENTION_CRON, policy: retentionPolicyOf(config) }, 'retention schedule');

    let stopping = false;
    const running = Promise.all(workers.map((w) => w.run()));
    running.catch((err: unknown) => {
      if (stopping) return;
      log.fatal({ err }, 'a worker failed');
      process.exit(1);
    });
    const beside: BesideService[] = [];
    for (const d of domainWorkers) if (d.startBeside) beside.push(await d.startBeside({ config, pool, nats, client, temporal, log }));
    const health = serveHealth(nats, {
      part: 'worker',
      id,
      stats: () => ({
        ...Object.fromEntries(workers.map((w) => [w.options.taskQueue, workerStats(w)])),
        ...Object.fromEntries(beside.map((b) => [b.name, b.stats()])),
      }),
    });
    log.info({ address: temporal.address, namespace: temporal.namespace, taskQueues: workers.map((w) => w.options.taskQueue) }, 'workers polling');
    const open = { connection, client, pool, nats };
    return {
      async stop() {
        stopping = true;
        health.stop();
        await Promise.all(beside.map((b) => b.stop()));
        for (const w of workers) w.shutdown();
        await running;
        await Promise.all([open.connection.close(), open.client.connection.close(), open.pool.end(), open.nats.drain()]);
      },
    };
  } catch (err) {
    await Promise.all([connection?.close(), client?.connection.close(), pool?.end(), nats?.close()].map((p) => p?.catch(() => {})));
    throw err;
  }
}

function workerStats(w: Worker): Record<string, unknown> {
  const s = w.getStatus();
  return {
    state: s.runState,
    activitiesInFlight: s.numInFlightActivities,
    workflowActivationsInFlight: s.numInFlightWorkflowActivations,
    cachedWorkflows: s.numCachedWorkflows,
  };
}
