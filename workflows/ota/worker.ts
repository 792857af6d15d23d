import { fileURLToPath } from 'node:url';
import { pkiPaths, readRootCertificate } from '../../infra/pki/store';
import { firmwareBaseUrl } from '../../twins/commands/firmware-downloads';
import type { DomainWorker } from '../domains';
import { createActivities } from './activities';

/** The `ota` domain: firmware rollouts (otaRollout and its otaBatch children). */
export const otaWorker: DomainWorker = {
  domain: 'ota',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  createActivities: ({ config, pool, nats }) =>
    createActivities({
      pool,
      nats,
      partitions: config.FLEET_PARTITIONS,
      firmwareUrl: firmwareBaseUrl(config),
      rootCertificate: () => readRootCertificate(pkiPaths(config.FLEET_DATA_DIR)),
    }),
};
