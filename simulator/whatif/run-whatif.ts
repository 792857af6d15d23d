import type { SeedProgress } from './engine/seed-run';
import { compare, summarise, type Comparison } from './kpi/compare';
import { runSeeds } from './parallel/seed-pool';
import { totalVehicles, type Scenario } from './scenario/schema';

export interface WhatIfProgress {
  /** 0-1 over every seed of every scenario, by van-days: a seed of a big fleet weighs more than one of a small one. */
  fraction: number;
  simulatedDays: number;
  twinEvents: number;
  seedsDone: number;
  seeds: number;
}

export interface WhatIfOptions {
  /** Overrides each scenario's own number of seeds. */
  seeds?: number;
  processes?: number;
  onProgress?: (p: WhatIfProgress) => void;
  /** Stops the run: its seed processes are killed and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The seeds of a scenario: shared by scenarios with the same prefix, so they differ only in policy. */
export function seedsOf(scenario: Scenario, count = scenario.seeds): string[] {
  return Array.from({ length: count }, (_, i) => `${scenario.seedPrefix}-${i + 1}`);
}

/** Runs every seed of every scenario (over all cores) and compares the scenarios' KPIs. */
export async function runWhatIf(scenarios: Scenario[], options: WhatIfOptions = {}): Promise<Comparison> {
  const tasks = scenarios.flatMap((scenario, s) => seedsOf(scenario, options.seeds).map((seed) => ({ scenario, seed, s, vans: totalVehicles(scenario) })));
  const progress: SeedProgress[] = tasks.map((t) => ({ simulatedMs: 0, horizonMs: t.scenario.horizonDays * 86_400_000, twinEvents: 0, vehicleSyncs: 0 }));
  const report = (): void => {
    if (!options.onProgress) return;
    let sim = 0;
    let vanMs = 0;
    let vanHorizonMs = 0;
    let events = 0;
    let done = 0;
    progress.forEach((p, i) => {
      const { vans } = tasks[i]!;
      sim += p.simulatedMs;
      vanMs += p.simulatedMs * vans;
      vanHorizonMs += p.horizonMs * vans;
      events += p.twinEvents;
      if (p.simulatedMs >= p.horizonMs) done++;
    });
    options.onProgress({ fraction: vanHorizonMs ? vanMs / vanHorizonMs : 1, simulatedDays: sim / 86_400_000, twinEvents: events, seedsDone: done, seeds: progress.length });
  };
  const results = await runSeeds(
    tasks.map(({ scenario, seed }) => ({ scenario, seed })),
    {
      ...(options.processes ? { processes: options.processes } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (i, p) => {
        progress[i] = p;
        report();
      },
    },
  );
  report();
  return compare(scenarios.map((scenario, s) => summarise(scenario, results.filter((_, i) => tasks[i]!.s === s))));
}
