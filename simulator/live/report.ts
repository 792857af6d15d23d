import type { LinkStats } from './device-link';
import type { LiveTotals } from './live-fleet';

/** Everything a run did, as written by --report: totals, per kind and per device. */
export interface SimReport {
  seed: string;
  world: string;
  vehicles: number;
  firstVehicle: number;
  devicesPerVehicle: number;
  processes: number;
  startedAt: string;
  durationS: number;
  meanMsgsPerS: number;
  peakMsgsPerS: number;
  groundTruthEvents: number;
  totals: LiveTotals;
  devices: LinkStats[];
}

/** True when every publish was acknowledged by the broker (readings still in a device's store were never sent). */
export function isLossless(report: SimReport): boolean {
  const t = report.totals;
  return t.acked === t.sent && t.errors === 0 && t.waiting === 0;
}

/** The human summary printed at the end of a run. */
export function formatReport(report: SimReport): string {
  const t = report.totals;
  const formats = Object.entries(t.byFormat).map(([f, n]) => `${n} ${f}`).join(', ');
  const lines = [
    `fleet sim: ${report.vehicles} vehicles (from V${String(report.firstVehicle).padStart(5, '0')}) × ${report.devicesPerVehicle} devices on ${report.world}, seed "${report.seed}", ${report.processes} process(es), ${report.durationS.toFixed(1)} s`,
    `  devices ${t.devices} (${formats}), connected at the end ${t.connected}, reconnects ${t.reconnects}, connection errors ${t.connectionErrors}, storms ${t.storms}`,
    `  publishes sent ${t.sent}, acked ${t.acked}, errors ${t.errors}, unacknowledged ${t.inFlight}, never sent (device not connected yet) ${t.waiting}`,
    `  well-formed readings acked ${t.readingsAcked} — what the platform must apply exactly once`,
    `  of the publishes: duplicates ${t.duplicatesSent}, malformed ${t.malformedSent} (acked ${t.malformedAcked}, must be dead-lettered)`,
    `  store-and-forward: ${t.stored} readings taken out of coverage, ${t.replayed} replayed, ${t.held} still held at the end`,
    `  ${report.meanMsgsPerS.toFixed(0)} msg/s on average, ${report.peakMsgsPerS.toFixed(0)} msg/s at peak`,
  ];
  for (const [kind, k] of Object.entries(t.byKind)) {
    lines.push(`  ${kind.padEnd(12)} ${String(k.devices).padStart(6)} devices  sent ${String(k.sent).padStart(9)}  acked ${String(k.acked).padStart(9)}  errors ${k.errors}`);
  }
  lines.push(`  ground truth: ${report.groundTruthEvents} wear events`);
  lines.push(isLossless(report) ? '  every publish was acknowledged by the broker' : '  WARNING: some publishes were not acknowledged');
  return lines.join('\n');
}
