import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { intIn } from '../../infra/cli/options';
import { formatComparison } from './kpi/table';
import { runWhatIf, type WhatIfProgress } from './run-whatif';
import { loadScenario, ScenarioError } from './scenario/load';
import type { Scenario } from './scenario/schema';
import { toCsv, toJson } from './report';

interface RunFlags {
  seeds?: number;
  processes?: number;
  json?: boolean;
  csv?: boolean;
}

/** `fleet whatif run a.yaml b.yaml …`: what-if scenarios on a virtual clock, compared side by side. */
export function register(program: Command): void {
  const whatif = program.command('whatif').description('what-if simulations on a virtual clock: run scenarios and compare their KPIs');
  whatif
    .command('run')
    .description('run scenarios (YAML or JSON files) over several seeds and compare their KPIs with 95 % confidence intervals; the first is the baseline')
    .argument('<scenarios...>', 'scenario files, e.g. simulator/whatif/scenarios/baseline.yaml')
    .option('--seeds <n>', "seeds per scenario (default: each scenario's own `seeds`)", intIn(2, 1000))
    .option('--processes <n>', 'processes running seeds in parallel (default: one per core)', intIn(1, 256))
    .addOption(new Option('--json', 'print the comparison as JSON instead of a table').conflicts('csv'))
    .option('--csv', 'print the comparison as CSV (a row per KPI and scenario) instead of a table')
    .addHelpText('after', '\nExample:\n  fleet whatif run simulator/whatif/scenarios/baseline.yaml simulator/whatif/scenarios/predictive-maintenance.yaml --seeds 4')
    .action(async (files: string[], flags: RunFlags) => {
      let scenarios: Scenario[];
      try {
        scenarios = files.map(loadScenario);
      } catch (err) {
        if (err instanceof ScenarioError) {
          console.error(`fleet whatif: ${err.message.replaceAll('\n', '\nfleet whatif: ')}`);
          process.exit(2);
        }
        throw err;
      }
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: '{bar} {percentage}% | {days} simulated days | seeds {seedsDone}/{seeds} | {events} twin events | {eta_formatted} left', hideCursor: true, barsize: 30, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      bar?.start(1000, 0, { days: 0, seedsDone: 0, seeds: 0, events: 0 });
      let lastLog = 0;
      const onProgress = (p: WhatIfProgress): void => {
        const values = { days: p.simulatedDays.toFixed(1), seedsDone: p.seedsDone, seeds: p.seeds, events: p.twinEvents.toLocaleString('en') };
        if (bar) bar.update(Math.round(p.fraction * 1000), values);
        else if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          process.stderr.write(`${(p.fraction * 100).toFixed(1)} % | ${values.days} simulated days | seeds ${p.seedsDone}/${p.seeds}\n`);
        }
      };
      const comparison = await runWhatIf(scenarios, { ...(flags.seeds ? { seeds: flags.seeds } : {}), ...(flags.processes ? { processes: flags.processes } : {}), onProgress });
      bar?.stop();
      if (flags.csv) process.stdout.write(toCsv(toJson(comparison)));
      else process.stdout.write(`${flags.json ? JSON.stringify(toJson(comparison), null, 2) : formatComparison(comparison)}\n`);
    });
}
