import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { durationIn } from '../../infra/cli/options';
import { withClient } from '../cli';
import { defaultRolloutPolicy, type RolloutInput } from '../ota/types';
import { decideFollowOn, newPilotId, pilotReport, pilotStatus, PilotRequestError, startPilot, stopPilot } from './client';
import type { KpiDifference, PilotReport } from './types';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

function list(raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('give a comma-separated list.');
  return items;
}

function cohortFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  return text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

interface StartOptions {
  name: string;
  id?: string;
  cohort?: string[];
  cohortFile?: string[];
  duration: number;
  snapshotEvery: number;
  followOnManifest?: string;
  followOnModels?: string[];
  followOnWait?: number;
  by: string;
}

export function register(program: Command): void {
  const pilot = program
    .command('pilot')
    .description('Pilot programs (Temporal workflows pilot-<id>): a cohort against a matched control group, KPI snapshots, a report with 95 % intervals');

  pilot
    .command('start')
    .description('Start a pilot: the control group is matched by model, depot and mileage')
    .requiredOption('--name <text>', 'what is being tried, e.g. "eco-driving coaching"')
    .option('--id <pilotId>', 'pilot id (a-z 0-9 -); default: date and a random suffix')
    .option('--cohort <ids>', 'cohort vehicle ids, comma-separated', list)
    .option('--cohort-file <path>', 'cohort vehicle ids, one per line (# comments)', cohortFile)
    .addOption(new Option('--duration <duration>', 'how long to measure (30s, 10m, 2h, 3d, 12w)').argParser(durationIn(1000, YEAR)).default(4 * WEEK, '4w'))
    .addOption(new Option('--snapshot-every <duration>', 'KPI snapshot interval').argParser(durationIn(500, YEAR)).default(DAY, '1d'))
    .option('--follow-on-manifest <id>', 'firmware manifest of an OTA rollout to start after the report, once approved')
    .option('--follow-on-models <models>', 'hardware models the rollout targets, comma-separated', list)
    .option('--follow-on-wait <duration>', 'how long the pilot waits for the follow-on decision', durationIn(MINUTE, YEAR))
    .option('--by <name>', 'who starts it (recorded)', userInfo().username)
    .action(async (opts: StartOptions) => {
      const cohort = [...(opts.cohort ?? []), ...(opts.cohortFile ?? [])];
      if (cohort.length === 0) usage('give the cohort with --cohort or --cohort-file');
      if (Boolean(opts.followOnManifest) !== Boolean(opts.followOnModels)) {
        usage('a follow-on rollout needs --follow-on-manifest and --follow-on-models together');
      }
      const pilotId = opts.id ?? newPilotId();
      const followOn: RolloutInput | undefined = opts.followOnManifest
        ? {
            campaignId: `${pilotId}-follow-on`,
            manifestId: opts.followOnManifest,
            target: { hardwareModels: opts.followOnModels! },
            policy: defaultRolloutPolicy,
            createdBy: opts.by,
          }
        : undefined;
      await explained('pilot start', async (client, temporal) => {
        const started = await startPilot(client, temporal, {
          pilotId, name: opts.name, cohort, durationMs: opts.duration, snapshotEveryMs: opts.snapshotEvery,
          ...(opts.followOnWait ? { followOnApprovalMs: opts.followOnWait } : {}),
          ...(followOn ? { followOn } : {}),
        });
        console.log(`pilot ${started.pilotId} started (workflow ${started.workflowId}); \`fleet pilot status ${started.pilotId}\` follows it`);
      });
    });

  pilot
    .command('status')
    .description("Print a pilot's status (phase, groups, matching, snapshots, report) as JSON")
    .argument('<pilotId>')
    .action(async (id: string) => {
      await explained('pilot status', async (client) => console.log(JSON.stringify(await pilotStatus(client, id), null, 2)));
    });

  pilot
    .command('report')
    .description("Print a finished pilot's report: cohort minus control per KPI with the 95 % Welch interval")
    .argument('<pilotId>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await explained('pilot report', async (client) => {
        const report = await pilotReport(client, id);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report);
      });
    });

  pilot
    .command('stop')
    .description('Stop measuring early; the report covers what was measured')
    .argument('<pilotId>')
    .requiredOption('--reason <text>', 'why')
    .option('--by <name>', 'who stops it', userInfo().username)
    .action(async (id: string, opts: { reason: string; by: string }) => {
      await explained('pilot stop', async (client) => {
        await stopPilot(client, id, { by: opts.by, reason: opts.reason });
        console.log(`pilot ${id}: stopping; the report follows`);
      });
    });

  pilot
    .command('follow-on')
    .description("Approve or decline the pilot's follow-on OTA rollout (after its report)")
    .argument('<pilotId>')
    .option('--approve', 'start the rollout')
    .option('--decline', 'do not start it')
    .option('--note <text>', 'why')
    .option('--by <name>', 'who decides', userInfo().username)
    .action(async (id: string, opts: { approve?: boolean; decline?: boolean; note?: string; by: string }) => {
      if (Boolean(opts.approve) === Boolean(opts.decline)) usage('give exactly one of --approve and --decline');
      await explained('pilot follow-on', async (client) => {
        await decideFollowOn(client, id, { by: opts.by, approve: Boolean(opts.approve), ...(opts.note ? { note: opts.note } : {}) });
        console.log(`pilot ${id}: follow-on rollout ${opts.approve ? 'approved' : 'declined'}`);
      });
    });
}

/** Flag combinations commander cannot check: exit 2 with the reason, like a bad flag. */
function usage(message: string): never {
  const err = new Error(message);
  err.name = 'UsageError';
  throw err;
}

async function explained(command: string, work: Parameters<typeof withClient>[1]): Promise<void> {
  await withClient(command, async (...args) => {
    try {
      await work(...args);
    } catch (err) {
      if (!(err instanceof PilotRequestError)) throw err;
      console.error(`fleet ${command}: ${err.message}`);
      process.exitCode = 1;
    }
  });
}

function printReport(report: PilotReport): void {
  const fmt = (x: number | null) => (x === null ? '-' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
  console.log(`${new Date(report.from).toISOString()} → ${new Date(report.to).toISOString()}; cohort ${report.cohortSize}, control ${report.controlSize}`);
  const rows = report.differences.map((d: KpiDifference) => [
    d.kpi, fmt(d.cohort.mean), fmt(d.control.mean), fmt(d.difference), d.ci95 ? `[${fmt(d.ci95[0])}, ${fmt(d.ci95[1])}]` : '-', d.significant ? 'yes' : 'no',
  ]);
  const header = ['KPI', 'COHORT', 'CONTROL', 'DIFFERENCE', '95% CI', 'SIGNIFICANT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}
