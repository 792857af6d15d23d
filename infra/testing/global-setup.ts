import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/env';
import { freePort } from '../stack/address';
import * as mosquitto from '../stack/mosquitto';
import * as nats from '../stack/nats';
import type { StartedServer } from '../stack/server';
import * as temporal from '../stack/temporal';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * vitest globalSetup: private servers for this test run, so tests never touch the streams,
 * topics, databases or workflows of a platform running on this machine — a NATS with JetStream
 * and a Mosquitto on free ports with their data in a temp directory, a new database on the
 * configured PostgreSQL (or a private one), and an in-memory Temporal dev server.
 *
 * Their addresses reach the test workers as the usual FLEET_* variables: workers are forked after
 * this runs and inherit process.env. The teardown is silent, so the run's closing summary line
 * stays the last one.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-test-'));
  // Mosquitto and PostgreSQL run as unprivileged accounts under root: they must get through.
  chmodSync(baseDir, 0o755);

  const temporalUiPort = await freePort();
  const [natsServer, mqttServer, temporalServer, database] = await Promise.allSettled([
    nats.start({ port: await freePort(), dataDir: join(baseDir, 'nats') }),
    mosquitto.start({ port: await freePort(), dataDir: join(baseDir, 'mosquitto') }),
    temporal.start({ config, port: await freePort(), uiPort: temporalUiPort, dataDir: join(baseDir, 'temporal'), persist: false }),
    createTestDatabase(config, baseDir),
  ]);
  const servers = [natsServer, mqttServer, temporalServer].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const teardown = async () => {
    await Promise.allSettled([
      ...servers.map((s) => s.stop()),
      ...(database.status === 'fulfilled' ? [database.value.dispose()] : []),
    ]);
    rmSync(baseDir, { recursive: true, force: true });
  };
  const failed = [natsServer, mqttServer, temporalServer, database].find((r) => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }

  const started = (r: PromiseSettledResult<StartedServer>) => (r as PromiseFulfilledResult<StartedServer>).value;
  const db = (database as PromiseFulfilledResult<TestDatabase>).value;
  const env: Record<string, string> = {
    FLEET_NATS_URL: started(natsServer).address,
    FLEET_MQTT_URL: started(mqttServer).address,
    FLEET_DATABASE_URL: db.url,
    FLEET_TEMPORAL_ADDRESS: started(temporalServer).address,
    FLEET_TEMPORAL_UI_PORT: String(temporalUiPort),
    // Ports a running platform may hold: tests take free ones.
    FLEET_WEB_PORT: String(await freePort()),
    FLEET_METRICS_PORT: '0',
    FLEET_DATA_DIR: join(baseDir, 'data'),
  };
  Object.assign(process.env, env);
  // The dev server speaks plain TCP whatever TLS a configured remote Temporal needs.
  for (const key of ['FLEET_TEMPORAL_TLS', 'FLEET_TEMPORAL_TLS_CERT', 'FLEET_TEMPORAL_TLS_KEY', 'FLEET_TEMPORAL_TLS_CA', 'FLEET_TEMPORAL_TLS_SERVER_NAME']) {
    delete process.env[key];
  }
  process.stdout.write(
    `test servers: NATS ${env.FLEET_NATS_URL}, MQTT ${env.FLEET_MQTT_URL}, PostgreSQL ${db.url.replace(/\/\/[^@]*@/, '//')}, Temporal ${env.FLEET_TEMPORAL_ADDRESS}\n`,
  );
  return teardown;
}
