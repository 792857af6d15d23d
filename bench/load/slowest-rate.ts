/** The span a rate must hold over to count as sustained (bench:load's check, and what its rate is calibrated for). */
export const SUSTAINED_S = 30;

/**
 * The lowest rate over any stretch of about `spanS` seconds between counts sampled every ~5 s
 * (a stretch may be a second short: samples drift); 0 with none.
 */
export function slowestRate(points: Array<{ atS: number; count: number }>, spanS: number): number {
  let slowest = Infinity;
  for (let i = 0, j = 1; i < points.length; i++) {
    j = Math.max(j, i + 1);
    while (j < points.length && points[j]!.atS - points[i]!.atS < spanS - 1) j++;
    if (j === points.length) break;
    slowest = Math.min(slowest, (points[j]!.count - points[i]!.count) / (points[j]!.atS - points[i]!.atS));
  }
  return Number.isFinite(slowest) ? Math.round(slowest) : 0;
}
