import { fileURLToPath } from 'node:url';
import type { DomainWorker } from '../domains';
import { createActivities } from './activities';

/** The `maintenance` domain: work orders from twin events to the technician's outcome. */
export const maintenanceWorker: DomainWorker = {
  domain: 'maintenance',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  createActivities: ({ config, pool, nats }) => createActivities({ pool, nats, partitions: config.FLEET_PARTITIONS }),
  // The starter turns twin events into orders; loaded here only, so importing the domain stays cheap.
  startBeside: async (resources) => (await import('./starter')).startWorkOrderStarter(resources),
};
