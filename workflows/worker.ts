import { bundleWorkflowCode, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { FleetConfig } from '../infra/config/env';
import type { RunningService } from '../infra/cli/service';
import { openDatabase } from '../infra/db/pool';
import type { Logger } from '../infra/log/logger';
import type { TemporalConfig } from '../temporal.config';
import { connectTemporalClient } from './client';
import type { DomainWorker, WorkerResources } from './domain';
import { temporalUnreachable } from './errors';
import { ensureRetentionSchedule, retentionPolicyOf } from './fleet/schedules';
import { fleetWorker } from './fleet/worker';
import { temporalLogger } from './temporal-logger';

/** Every domain with workflows; a new domain is its folder and one entry here. */
export const domainWorkers: DomainWorker[] = [fleetWorker];

/** The connection Workers poll through (the Rust core's), from temporal.config.ts. */
export async function connectWorkerConnection(temporal: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: temporal.address, tls: temporal.tls });
  } catch (err) {
    throw temporalUnreachable(temporal, err);
  }
}

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
        // Lets running activities finish on SIGTERM, within the process's own grace period.
        shutdownGraceTime: '8 seconds',
      }),
    ),
  );
}

/**
 * `fleet worker`: connects (Temporal first, the likeliest to be missing), builds every domain's
 * worker, keeps the retention schedule in line with the settings, and polls until stopped.
 */
export async function startWorkerProcess(config: FleetConfig, temporal: TemporalConfig, log: Logger): Promise<RunningService> {
  // Signals belong to the process (runUntilSignal), so the SDK must not install its own handlers.
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  let connection: NativeConnection | undefined;
  let client: Client | undefined;
  let pool: pg.Pool | undefined;
  try {
    connection = await connectWorkerConnection(temporal);
    client = await connectTemporalClient(temporal);
    pool = await openDatabase(config.FLEET_DATABASE_URL, { log });
    const workers = await createWorkers(connection, temporal, { config, pool }, log);
    const schedule = await ensureRetentionSchedule(client, temporal, config);
    log.info({ schedule, cron: config.FLEET_RETENTION_CRON, policy: retentionPolicyOf(config) }, 'retention schedule');

    let stopping = false;
    const running = Promise.all(workers.map((w) => w.run()));
    running.catch((err: unknown) => {
      if (stopping) return;
      log.fatal({ err }, 'a worker failed');
      process.exit(1);
    });
    log.info(
      { address: temporal.address, namespace: temporal.namespace, taskQueues: domainWorkers.map((d) => temporal.taskQueues[d.domain]) },
      'workers polling',
    );
    const resources = { connection, client, pool };
    return {
      async stop() {
        stopping = true;
        for (const w of workers) w.shutdown();
        await running;
        await Promise.all([resources.connection.close(), resources.client.connection.close(), resources.pool.end()]);
      },
    };
  } catch (err) {
    await Promise.all([connection?.close(), client?.connection.close(), pool?.end()].map((p) => p?.catch(() => {})));
    throw err;
  }
}
