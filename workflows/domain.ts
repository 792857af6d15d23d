import type pg from 'pg';
import type { FleetConfig } from '../infra/config/env';
import type { TemporalDomain } from '../temporal.config';

/** What the worker process opens once and lends to every domain's activities. */
export interface WorkerResources {
  config: FleetConfig;
  pool: pg.Pool;
}

/**
 * One domain's worker: its workflow code (bundled by the SDK at start) and its activities.
 * The worker process polls `taskQueues[domain]` with it.
 */
export interface DomainWorker {
  domain: TemporalDomain;
  workflowsPath: string;
  createActivities(resources: WorkerResources): object;
}
