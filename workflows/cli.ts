import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig } from '../infra/config/env';
import { intIn } from '../infra/cli/options';
import { runUntilSignal } from '../infra/cli/service';
import { MigrationError } from '../infra/db/migrate';
import { DatabaseUnreachableError } from '../infra/db/pool';
import { createLogger } from '../infra/log/logger';
import { loadTemporalConfig, temporalDomains } from '../temporal.config';
import { connectTemporalClient } from './client';
import { NatsUnreachableError, TemporalUnreachableError } from './errors';
import { runFleetHealthCheck, runRetention } from './fleet/client';
import { retentionPolicyOf } from './fleet/schedules';

/** Failures a person can fix (start a server, fix a setting): one line, no stack trace. */
function isExplained(err: unknown): err is Error {
  return (
    err instanceof TemporalUnreachableError ||
    err instanceof NatsUnreachableError ||
    err instanceof DatabaseUnreachableError ||
    err instanceof MigrationError
  );
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(`Run the Temporal workers of every domain in one process (task queues of ${temporalDomains.join(', ')}); keeps the retention schedule in line with the settings`)
    .action(async () => {
      const config = loadConfig();
      const temporal = loadTemporalConfig(config);
      const log = createLogger('worker');
      // The worker SDK takes a second to load: only this command pays for it.
      const { startWorkerProcess } = await import('./worker');
      try {
        await runUntilSignal(log, () => startWorkerProcess(config, temporal, log));
      } catch (err) {
        if (!isExplained(err)) throw err;
        console.error(`fleet worker: ${err.message}`);
        process.exitCode = 1;
      }
    });

  program
    .command('health-check')
    .description('Run fleetHealthCheckWorkflow on the fleet worker and print its report (exit 1 when something is wrong)')
    .option('--timeout <seconds>', 'how long to wait for a worker to run it', intIn(1, 600), 15)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { timeout: number; json?: boolean }) => {
      await withClient('health-check', async (client, temporal) => {
        const report = await runFleetHealthCheck(client, temporal, opts.timeout * 1000).catch((err: unknown) => {
          throw new TemporalUnreachableError(
            `no report within ${opts.timeout} s from task queue ${temporal.taskQueues.fleet}: is \`fleet worker\` running? (${(err as Error).message})`,
          );
        });
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          const streams = Object.entries(report.nats.streams).map(([name, s]) => `${name} ${s.present ? `${s.messages} msgs` : 'MISSING'}`);
          console.log(`NATS        ${report.nats.ok ? 'ok' : 'FAIL'}  ${report.nats.servers}  ${streams.join(', ')}${report.nats.error ? `  ${report.nats.error}` : ''}`);
          console.log(`PostgreSQL  ${report.postgres.ok ? 'ok' : 'FAIL'}  ${report.postgres.database}  ${report.postgres.applied} migrations applied${report.postgres.error ? `  ${report.postgres.error}` : ''}`);
        }
        if (!report.ok) process.exitCode = 1;
      });
    });

  program
    .command('retention')
    .description('Run the retention workflow now (it also runs on FLEET_RETENTION_CRON) and print what it deleted')
    .option('--telemetry-days <n>', 'keep this many days of telemetry history (default FLEET_RETENTION_TELEMETRY_DAYS)', intIn(1, 3650))
    .option('--events-days <n>', 'keep this many days of events (default FLEET_RETENTION_EVENTS_DAYS)', intIn(1, 3650))
    .action(async (opts: { telemetryDays?: number; eventsDays?: number }) => {
      await withClient('retention', async (client, temporal, config) => {
        const policy = retentionPolicyOf(config);
        if (opts.telemetryDays) policy.telemetryDays = opts.telemetryDays;
        if (opts.eventsDays) policy.eventsDays = opts.eventsDays;
        console.log(JSON.stringify(await runRetention(client, temporal, policy), null, 2));
      });
    });
}

/** Runs `work` with a connected client; failures a person can fix print one line and set the exit code. */
export async function withClient(
  command: string,
  work: (client: Client, temporal: ReturnType<typeof loadTemporalConfig>, config: ReturnType<typeof loadConfig>) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const temporal = loadTemporalConfig(config);
  try {
    const client = await connectTemporalClient(temporal);
    try {
      await work(client, temporal, config);
    } finally {
      await client.connection.close();
    }
  } catch (err) {
    if (!isExplained(err) && !(err instanceof ConfigError)) throw err;
    console.error(`fleet ${command}: ${err.message}`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}
