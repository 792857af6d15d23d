import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type FleetConfig } from './infra/config/env';

/**
 * Where FleetTwin's Temporal is and which task queue each domain's worker polls.
 * Everything comes from loadConfig(), so the worker, the CLI and tests agree.
 */
export const temporalDomains = ['ota', 'maintenance', 'pilot', 'whatif', 'fleet'] as const;
export type TemporalDomain = (typeof temporalDomains)[number];

/** The shape both @temporalio/client's Connection and @temporalio/worker's NativeConnection take. */
export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  /** undefined: plain TCP, as the local dev server speaks. */
  tls: TemporalTls | undefined;
  taskQueues: Record<TemporalDomain, string>;
}

export function loadTemporalConfig(config: FleetConfig = loadConfig()): TemporalConfig {
  const prefix = config.FLEET_TEMPORAL_TASK_QUEUE_PREFIX;
  const taskQueues = Object.fromEntries(temporalDomains.map((d) => [d, `${prefix}-${d}`])) as Record<TemporalDomain, string>;
  return {
    address: config.FLEET_TEMPORAL_ADDRESS,
    namespace: config.FLEET_TEMPORAL_NAMESPACE,
    tls: tlsOf(config),
    taskQueues,
  };
}

function tlsOf(config: FleetConfig): TemporalTls | undefined {
  const cert = config.FLEET_TEMPORAL_TLS_CERT;
  const key = config.FLEET_TEMPORAL_TLS_KEY;
  const ca = config.FLEET_TEMPORAL_TLS_CA;
  const serverName = config.FLEET_TEMPORAL_TLS_SERVER_NAME;
  if (!config.FLEET_TEMPORAL_TLS && !cert && !key && !ca && !serverName) return undefined;
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError('FLEET_TEMPORAL_TLS_CERT and FLEET_TEMPORAL_TLS_KEY go together: set both or neither');
  }
  const tls: TemporalTls = {};
  if (serverName) tls.serverNameOverride = serverName;
  if (ca) tls.serverRootCACertificate = readPem('FLEET_TEMPORAL_TLS_CA', ca);
  if (cert && key) {
    tls.clientCertPair = { crt: readPem('FLEET_TEMPORAL_TLS_CERT', cert), key: readPem('FLEET_TEMPORAL_TLS_KEY', key) };
  }
  return tls;
}

function readPem(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${setting}=${JSON.stringify(path)}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
