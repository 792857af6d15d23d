import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { createLogger } from '../../infra/log/logger';
import { freePort } from '../../infra/stack/address';
import { start as startNats } from '../../infra/stack/nats';
import type { StartedServer } from '../../infra/stack/server';
import { connectNats, ensureStreams } from '../bus/connect';
import { subjects } from '../bus/subjects';
import { Recorder } from './recorder';

const log = createLogger('missed-heartbeats-test');
const encoder = new TextEncoder();
/** Long enough that a redelivery cannot be mistaken for the first delivery within the test. */
const ACK_WAIT_MS = 10_000;

let db: ScratchDatabase;
let nats: StartedServer;
let nc: NatsConnection;
let dataDir: string;

// A NATS server of this test's own: it is frozen (SIGSTOP) for a moment, which no other test may feel.
beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'recorder_hb');
  await migrate(db.pool);
  dataDir = mkdtempSync(join(tmpdir(), 'fleettwin-hb-'));
  nats = await startNats({ port: await freePort(), dataDir });
  nc = await connectNats(nats.address, 'missed-heartbeats-test');
  await ensureStreams(nc);
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('recorder', () => {
  it('a fetch given up after missed heartbeats loses none of what it received: recorded at once, nothing redelivered', async () => {
    const vehicleId = 'HB1';
    const n = 40;
    const js = jetstream(nc);
    for (let i = 0; i < n; i++) {
      const body = { id: `hb${i}.0`, kind: 'motion', vehicleId, at: Date.UTC(2030, 0, 1) + i, from: 'parked', to: 'driving' };
      await js.publish(subjects.event('motion', vehicleId), encoder.encode(JSON.stringify(body)));
    }
    // A batch larger than the backlog: the fetch holds the messages until it expires (1 s).
    const recorder = await Recorder.create(nc, db.pool, { batchSize: 200, ackWaitMs: ACK_WAIT_MS }, log);
    await recorder.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      // The server stops answering for longer than two heartbeats (500 ms each): the client gives the fetch up.
      process.kill(nats.process.pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 1_600));
      process.kill(nats.process.pid, 'SIGCONT');
      const written = async () => (await db.pool.query('SELECT count(*)::int AS n FROM events WHERE vehicle_id = $1', [vehicleId])).rows[0].n as number;
      const deadline = Date.now() + ACK_WAIT_MS + 10_000;
      while ((await written()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await written()).toBe(n);
      // Written from the first delivery, well before the ack wait would have brought them back.
      expect(recorder.stats.events.redelivered).toBe(0);
    } finally {
      process.kill(nats.process.pid, 'SIGCONT');
      await recorder.stop();
    }
  }, 60_000);
});
