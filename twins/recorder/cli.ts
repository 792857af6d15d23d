import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { intIn } from '../../infra/cli/options';
import { runUntilSignal } from '../../infra/cli/service';
import { migrate, MigrationError } from '../../infra/db/migrate';
import { DatabaseUnreachableError, openDatabase } from '../../infra/db/pool';
import { serveHealth } from '../../infra/health/serve-health';
import { createLogger } from '../../infra/log/logger';
import { connectNats, ensureStreams } from '../bus/connect';
import { NatsUnreachableError } from '../../workflows/errors';
import { Recorder } from './recorder';

export function register(program: Command): void {
  program
    .command('recorder')
    .description('Record the EVENTS and TELEMETRY streams into PostgreSQL (events, telemetry_history) in batches; applies pending migrations first')
    .option('--batch <n>', 'messages per fetch and per INSERT', intIn(1, 10_000), 1000)
    .option('--ack-wait <seconds>', 'seconds before JetStream redelivers a message the recorder did not ack', intIn(5, 3600), 30)
    .action(async (opts: { batch: number; ackWait: number }) => {
      const config = loadConfig();
      const log = createLogger('recorder');
      const id = `${hostname()}-${process.pid}`;
      try {
        await runUntilSignal(log, async () => {
          const pool = await openDatabase(config.FLEET_DATABASE_URL, { log });
          let nc: NatsConnection | undefined;
          try {
            await migrate(pool, { log });
            nc = await connectOrExplain(config.FLEET_NATS_URL, `recorder-${id}`);
            await ensureStreams(nc);
            const recorder = await Recorder.create(nc, pool, { batchSize: opts.batch, ackWaitMs: opts.ackWait * 1000 }, log);
            await recorder.start();
            const health = serveHealth(nc, { part: 'recorder', id, stats: () => recorder.stats });
            const report = setInterval(() => log.info(recorder.stats, 'recorder stats'), 30_000);
            const connection = nc;
            return {
              async stop() {
                clearInterval(report);
                health.stop();
                await recorder.stop();
                await connection.drain();
                await pool.end();
              },
            };
          } catch (err) {
            await nc?.close();
            await pool.end();
            throw err;
          }
        });
      } catch (err) {
        if (!(err instanceof DatabaseUnreachableError || err instanceof MigrationError || err instanceof NatsUnreachableError)) throw err;
        console.error(`fleet recorder: ${err.message}`);
        process.exitCode = 1;
      }
    });
}

async function connectOrExplain(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connectNats(url, name);
  } catch (err) {
    throw new NatsUnreachableError(url, err);
  }
}
