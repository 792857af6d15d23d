import type { ControlMatch } from './types';

export interface FleetVehicle {
  id: string;
  model: string | null;
  depotId: string | null;
  odometerKm: number;
}

/**
 * A control group matched to the cohort one for one: for each cohort vehicle the unused fleet
 * vehicle of the same model, then the same depot, then the nearest mileage (ties by id, so the
 * same fleet always gives the same group). Greedy, in cohort id order: good enough for pilots of
 * tens to hundreds of vehicles, and easy to explain in the report.
 */
export function matchControls(cohort: FleetVehicle[], fleet: FleetVehicle[]): ControlMatch[] {
  const inCohort = new Set(cohort.map((v) => v.id));
  const free = fleet.filter((v) => !inCohort.has(v.id));
  const matches: ControlMatch[] = [];
  for (const c of [...cohort].sort((a, b) => a.id.localeCompare(b.id))) {
    let best: { v: FleetVehicle; index: number; score: [number, number, number, string] } | undefined;
    free.forEach((v, index) => {
      const score: [number, number, number, string] = [
        c.model !== null && v.model === c.model ? 0 : 1,
        c.depotId !== null && v.depotId === c.depotId ? 0 : 1,
        Math.abs(v.odometerKm - c.odometerKm),
        v.id,
      ];
      if (!best || compare(score, best.score) < 0) best = { v, index, score };
    });
    if (!best) break;
    free.splice(best.index, 1);
    matches.push({
      cohort: c.id,
      control: best.v.id,
      sameModel: best.score[0] === 0,
      sameDepot: best.score[1] === 0,
      mileageGapKm: Math.round(best.score[2] * 10) / 10,
    });
  }
  return matches;
}

function compare(a: [number, number, number, string], b: [number, number, number, string]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a[3].localeCompare(b[3]);
}
