import { fileURLToPath } from 'node:url';
import type { DomainWorker } from '../domains';
import { createActivities } from './activities';

/** The `pilot` domain: cohort against control, KPI snapshots, report, optional follow-on rollout. */
export const pilotWorker: DomainWorker = {
  domain: 'pilot',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  createActivities: ({ pool }) => createActivities({ pool }),
};
