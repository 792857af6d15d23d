import { fileURLToPath } from 'node:url';
import type { DomainWorker } from '../domains';
import { createActivities } from './activities';

/** The `fleet` domain: platform health and records retention. */
export const fleetWorker: DomainWorker = {
  domain: 'fleet',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  createActivities: ({ config, pool }) =>
    createActivities({ pool, databaseUrl: config.FLEET_DATABASE_URL, natsUrl: config.FLEET_NATS_URL }),
};
