import type { LinkStats } from './device-link';
import type { LiveTotals } from './live-fleet';

/** Everything a run did, as written by --report: totals, per kind and per device. */
export interface SimReport {
  seed: string;
  world: string;
  vehicles: number;
  devicesPerVehicle: number;
  startedAt: string;
  durationS: number;
  meanMsgsPerS: number;
  peakMsgsPerS: number;
  groundTruthEvents: number;
  totals: LiveTotals;
  devices: LinkStats[];
}

/** True when every reading taken was acknowledged by the broker. */
export function isLossless(report: SimReport): boolean {
  const t = report.totals;
  return t.acked === t.sent && t.errors === 0 && t.waiting === 0;
}

/** The human summary printed at the end of a run. */
export function formatReport(report: SimReport): string {
  const t = report.totals;
  const lines = [
    `fleet sim: ${report.vehicles} vehicles × ${report.devicesPerVehicle} devices on ${report.world}, seed "${report.seed}", ${report.durationS.toFixed(1)} s`,
    `  sent ${t.sent}, acked ${t.acked}, errors ${t.errors}, unacknowledged ${t.inFlight}, never sent (device not connected yet) ${t.waiting}`,
    `  ${report.meanMsgsPerS.toFixed(0)} msg/s on average, ${report.peakMsgsPerS.toFixed(0)} msg/s at peak; connection errors ${t.connectionErrors}`,
  ];
  for (const [kind, k] of Object.entries(t.byKind)) {
    lines.push(`  ${kind.padEnd(12)} ${String(k.devices).padStart(6)} devices  sent ${String(k.sent).padStart(9)}  acked ${String(k.acked).padStart(9)}  errors ${k.errors}`);
  }
  lines.push(`  ground truth: ${report.groundTruthEvents} wear events`);
  lines.push(isLossless(report) ? '  every reading was acknowledged by the broker' : '  WARNING: some readings were not acknowledged');
  return lines.join('\n');
}
