import { z } from 'zod';

/**
 * Every setting FleetTwin reads from the environment, with its default.
 * The README's configuration table is this list; keep them in step.
 */
export const settings = {
  FLEET_NATS_URL: z.string().default('nats://127.0.0.1:4222').describe('NATS server with JetStream'),
  FLEET_MQTT_URL: z
    .string()
    .default('mqtt://127.0.0.1:1883')
    .describe('MQTT broker the devices and the ingress use; several, comma-separated, split the devices between them (the ingress subscribes on all)'),
  FLEET_DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/fleettwin')
    .describe('PostgreSQL database for records (created if missing)'),
  FLEET_TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233').describe('Temporal frontend (host:port)'),
  FLEET_TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace'),
  FLEET_TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233).describe('Port of the Temporal Web UI of the local dev server'),
  FLEET_TEMPORAL_TLS: z.stringbool().default(false).describe('Connect to Temporal over TLS (implied when a TLS file below is set)'),
  FLEET_TEMPORAL_TLS_CERT: z.string().optional().describe('PEM client certificate for mTLS to Temporal (unset: no client certificate)'),
  FLEET_TEMPORAL_TLS_KEY: z.string().optional().describe('PEM private key of FLEET_TEMPORAL_TLS_CERT'),
  FLEET_TEMPORAL_TLS_CA: z.string().optional().describe('PEM CA bundle that signed the Temporal server (unset: system roots)'),
  FLEET_TEMPORAL_TLS_SERVER_NAME: z.string().optional().describe('TLS server name to verify instead of the host of FLEET_TEMPORAL_ADDRESS'),
  FLEET_TEMPORAL_TASK_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 characters of A-Z a-z 0-9 _ . -')
    .default('fleet')
    .describe('Prefix of the Temporal task queues (<prefix>-ota, <prefix>-fleet, ...)'),
  FLEET_RETENTION_TELEMETRY_DAYS: z.coerce.number().int().min(1).max(3650).default(30).describe('Days of telemetry history kept in PostgreSQL'),
  FLEET_RETENTION_EVENTS_DAYS: z.coerce.number().int().min(1).max(3650).default(365).describe('Days of twin domain events kept in PostgreSQL'),
  FLEET_RETENTION_CRON: z.string().default('30 2 * * *').describe('When the retention workflow runs (cron, UTC)'),
  FLEET_WORKORDER_AUTO_APPROVE_RISK: z.coerce.number().min(0).max(1.01).default(0.8).describe('Work orders at or above this risk (0-1) are approved without a person (1.01: never)'),
  FLEET_WORKORDER_SLA_MS: z.coerce.number().int().min(1000).default(86_400_000).describe('A work order waiting this long for approval or for its outcome is escalated'),
  FLEET_WORKORDER_SLOT_LEAD_MS: z.coerce.number().int().min(0).default(7_200_000).describe('Soonest a service slot may start after approval (time to reach the depot)'),
  FLEET_SERVICE_INTERVAL_KM: z.coerce.number().positive().default(30_000).describe('Service due after this many km since the last service'),
  FLEET_SERVICE_INTERVAL_ENGINE_HOURS: z.coerce.number().positive().default(500).describe('Service due after this many engine hours since the last service'),
  FLEET_SERVICE_INTERVAL_DAYS: z.coerce.number().positive().default(365).describe('Service due this many days after the last service'),
  FLEET_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000).describe('Port of the web app'),
  FLEET_PARTITIONS: z.coerce.number().int().min(1).max(4096).default(64).describe('Number of twin partitions (same on every process)'),
  FLEET_DATA_DIR: z.string().default('.data').describe('Where locally started servers keep their data'),
  FLEET_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('Log level of every process'),
  FLEET_TWIN_STALE_MS: z.coerce.number().int().positive().default(60_000).describe('Silence after which a device twin is stale'),
  FLEET_TWIN_OFFLINE_MS: z.coerce.number().int().positive().default(300_000).describe('Silence after which a device twin is offline'),
  FLEET_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(5000).describe('Partition lease time-to-live: how soon a killed twin host\'s partitions move'),
  FLEET_SNAPSHOT_EVERY_MS: z.coerce.number().int().min(1000).default(30_000).describe('How often twin hosts snapshot changed twins to KV'),
  FLEET_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464).describe('Port of a twin host\'s Prometheus /metrics (0: any free port)'),
  FLEET_INGRESS_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(16).describe('MQTT connections per ingress process (they share one subscription group)'),
  FLEET_INGRESS_IN_FLIGHT: z.coerce.number().int().min(1).max(1024).default(16).describe('messages each ingress MQTT connection stores in JetStream at once (acknowledged in order once stored)'),
  FLEET_FIRMWARE_PORT: z.coerce.number().int().min(0).max(65535).default(8480).describe('Port of the firmware download route the ingress serves to devices (0: any free port)'),
  FLEET_FIRMWARE_URL: z.url().optional().describe('Base URL devices download firmware from (default http://127.0.0.1:<FLEET_FIRMWARE_PORT>)'),
} as const;

const schema = z.object(settings);
export type FleetConfig = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the settings; a bad value stops with the variable's name and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(settings)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `  ${key}=${JSON.stringify(picked[key])}: ${issue.message}`;
    });
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
