import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SeedProgress } from '../../simulator/whatif/engine/seed-run';
import { runSeeds } from '../../simulator/whatif/parallel/seed-pool';
import { seedsOf } from '../../simulator/whatif/run-whatif';
import { loadScenario } from '../../simulator/whatif/scenario/load';
import { totalVehicles } from '../../simulator/whatif/scenario/schema';
import { vehicleSyncMicros } from './vehicle-machine-cost';

/**
 * `npm run bench:whatif`: the issue's target run — 5,000 vehicles × 30 simulated days in 1-minute
 * steps through the production twin machines, both cores busy (one seed each, the least a
 * confidence interval needs) — timed on the wall clock. The run stops at the 5-minute target; if it
 * has not finished by then, the figures say how far it got and the full run's wall time is
 * extrapolated from the pace.
 */
const TARGET_WALL_S = 300;
const scenario = loadScenario(fileURLToPath(new URL('./fleet-5000.yaml', import.meta.url)));
const vehicles = totalVehicles(scenario);
const horizonDays = scenario.horizonDays;
const seeds = seedsOf(scenario);

// Measured before the run, while the cores are quiet.
const syncMicros = vehicleSyncMicros();
const progress: SeedProgress[] = seeds.map(() => ({ simulatedMs: 0, horizonMs: horizonDays * 86_400_000, twinEvents: 0, vehicleSyncs: 0 }));
const abort = new AbortController();
const started = performance.now();
const elapsedS = (): number => (performance.now() - started) / 1000;
const timer = setTimeout(() => abort.abort(new Error('target wall time reached')), TARGET_WALL_S * 1000);
const ticker = setInterval(() => {
  const days = progress.map((p) => (p.simulatedMs / 86_400_000).toFixed(2)).join(' / ');
  process.stderr.write(`${elapsedS().toFixed(0)} s: simulated days per seed ${days}\n`);
}, 15_000);

console.log(`what-if bench: ${vehicles} vehicles × ${horizonDays} days, ${scenario.stepSeconds} s steps, ${seeds.length} seeds in parallel (one per process)`);
let finished = true;
try {
  await runSeeds(
    seeds.map((seed) => ({ scenario, seed })),
    { processes: seeds.length, signal: abort.signal, onProgress: (i, p) => (progress[i] = p) },
  );
} catch (err) {
  if (!abort.signal.aborted) throw err;
  finished = false;
} finally {
  clearTimeout(timer);
  clearInterval(ticker);
}

const wallS = elapsedS();
// Each process simulates the whole fleet for one seed: the run's pace is that of the slowest seed.
const simulatedDays = Math.min(...progress.map((p) => p.simulatedMs)) / 86_400_000;
const twinEvents = progress.reduce((n, p) => n + p.twinEvents, 0);
const speedup = (simulatedDays * 86_400) / wallS;
const fullRunWallS = simulatedDays > 0 ? (horizonDays / simulatedDays) * wallS : Infinity;
const eventsPerSimDay = simulatedDays > 0 ? twinEvents / seeds.length / simulatedDays : 0;
const targets = {
  vehicles,
  simulatedDays: horizonDays,
  wallSeconds: TARGET_WALL_S,
  speedupVsRealTime: Math.round((horizonDays * 86_400) / TARGET_WALL_S),
  // The twin throughput a 30-day run of this fleet needs to end in 5 minutes (both seeds).
  twinEventsPerSec: Math.round((eventsPerSimDay * horizonDays * seeds.length) / TARGET_WALL_S),
};
const figures = {
  vehicles,
  simulatedDays: Math.round(simulatedDays * 100) / 100,
  wallSeconds: Math.round(wallS * 10) / 10,
  speedupVsRealTime: Math.round(speedup),
  twinEventsPerSec: Math.round(twinEvents / wallS),
};
const line = (name: string, value: string, target: string) => console.log(`${name.padEnd(22)} ${value.padStart(14)}   target ${target}`);
line('vehicles', String(figures.vehicles), String(targets.vehicles));
line('simulated days', String(figures.simulatedDays), `${targets.simulatedDays}${finished ? '' : ' (stopped at the wall-time target)'}`);
line('wall seconds', String(figures.wallSeconds), `≤ ${targets.wallSeconds}${finished ? '' : `; full run at this pace ≈ ${Math.round(fullRunWallS)} s`}`);
line('sim-s per wall-s', String(figures.speedupVsRealTime), `≥ ${targets.speedupVsRealTime}`);
line('twin events / s', String(figures.twinEventsPerSec), `≥ ${targets.twinEventsPerSec}`);
// XState's share, as a floor: the vehicle machine's syncs this run needed a van-day, at what one costs alone.
const vanDays = progress.reduce((n, p) => n + (p.simulatedMs / 86_400_000) * vehicles, 0);
const syncsPerVanDay = vanDays > 0 ? progress.reduce((n, p) => n + p.vehicleSyncs, 0) / vanDays : 0;
const budgetMsPerVanDay = (TARGET_WALL_S * 1000 * Math.min(seeds.length, availableParallelism())) / (vehicles * horizonDays * seeds.length);
console.log(
  `vehicle machine: ${syncsPerVanDay.toFixed(0)} syncs a van-day × ${syncMicros.toFixed(1)} µs each (the machine alone, measured here) = ` +
    `${((syncsPerVanDay * syncMicros) / 1000).toFixed(1)} ms of CPU a van-day; the target leaves ${budgetMsPerVanDay.toFixed(1)} ms a van-day for everything`,
);
console.log(`target ${finished && wallS <= TARGET_WALL_S ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ bench: 'whatif', figures, targets }));
process.exit(0);
