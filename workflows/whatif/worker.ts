import { fileURLToPath } from 'node:url';
import type { DomainWorker } from '../domains';
import { createActivities } from './activities';

/** The `whatif` domain: what-if runs started from the web page or scripts. */
export const whatIfWorker: DomainWorker = {
  domain: 'whatif',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  createActivities: () => createActivities(),
};
