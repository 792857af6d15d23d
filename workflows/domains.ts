import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { RunningService } from '../infra/cli/service';
import type { FleetConfig } from '../infra/config/env';
import type { Logger } from '../infra/log/logger';
import type { TemporalConfig, TemporalDomain } from '../temporal.config';
import { fleetWorker } from './fleet/worker';
import { maintenanceWorker } from './maintenance/worker';
import { otaWorker } from './ota/worker';
import { pilotWorker } from './pilot/worker';
import { whatIfWorker } from './whatif/worker';

/** What the worker process opens once and lends to every domain's activities. */
export interface WorkerResources {
  config: FleetConfig;
  pool: pg.Pool;
  nats: NatsConnection;
}

/**
 * One domain's worker: its workflow code (bundled by the SDK at start) and its activities.
 * The worker process polls `taskQueues[domain]` with it.
 */
export interface DomainWorker {
  domain: TemporalDomain;
  workflowsPath: string;
  createActivities(resources: WorkerResources): object;
  /**
   * A part of the domain that runs beside its worker in the worker process (the work-order
   * starter); started once the workers poll, stopped before they are.
   */
  startBeside?(resources: WorkerResources & { client: Client; temporal: TemporalConfig; log: Logger }): Promise<BesideService>;
}

/** A part started by startBeside; its stats appear under its name in `fleet status`. */
export interface BesideService extends RunningService {
  name: string;
  stats(): object;
}

/**
 * Every domain that has workflows; a new domain is its folder and one entry here. Domains of
 * temporal.config.ts without an entry have a task queue but nothing polls it yet. Cheap to import
 * (no Temporal worker SDK), so `fleet status` can tell which queues should have pollers.
 */
export const domainWorkers: DomainWorker[] = [fleetWorker, maintenanceWorker, otaWorker, pilotWorker, whatIfWorker];
