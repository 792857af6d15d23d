/**
 * Child process of bench:twins (run with --expose-gc): resident memory of a host-sized set of
 * twins. Every vehicle gets its twin and, through one real reading each, its four device twins —
 * the state a host holds for a fleet it owns.
 */
import { VehicleTwinActor } from '../../twins/runtime/vehicle-twin-actor';
import type { Telemetry } from '../../twins/telemetry/schema';
import { fleetReadings } from './fleet-readings';

const vehicles = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const timings = { staleMs: 60_000, offlineMs: 300_000 };

// One reading per device kind of each simulated van: the templates every twin is fed from.
const templates = new Map<string, Telemetry[]>();
for (const reading of fleetReadings({ vehicles: 50, seconds: 60, rate: 1 })) {
  const list = templates.get(reading.vehicleId) ?? [];
  if (!list.some((r) => r.deviceKind === reading.deviceKind)) list.push(reading);
  templates.set(reading.vehicleId, list);
}
const kits = [...templates.values()].filter((list) => list.length === 4);
if (kits.length === 0) throw new Error('no simulated van reported from all four devices');

gc();
const baseline = process.memoryUsage().rss;
const twins: VehicleTwinActor[] = [];
let devices = 0;
for (let i = 0; i < vehicles; i++) {
  const vehicleId = `M${String(i).padStart(6, '0')}`;
  const twin = VehicleTwinActor.create(vehicleId, timings);
  for (const template of kits[i % kits.length]!) {
    twin.apply({ ...template, vehicleId, deviceId: `${vehicleId}-${template.deviceKind}` }, template.receivedAt);
    devices++;
  }
  twins.push(twin);
}
gc();
gc();
const usage = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ vehicles: twins.length, devices, baselineRss: baseline, rss: usage.rss, heapUsed: usage.heapUsed })}\n`);
