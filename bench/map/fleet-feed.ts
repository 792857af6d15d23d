import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '../../twins/bus/subjects';
import type { FleetDelta, VehicleSummary } from '../../twins/projection/fleet-view';
import { repoRoot } from '../../web/e2e/platform';

type Route = Array<[number, number]>;

/** Every Monaco road as a route; vehicle i drives road i mod n back and forth. */
function loadRoutes(): Route[] {
  const roads = JSON.parse(readFileSync(path.join(repoRoot, 'simulator/world/data/monaco_highways.geojson'), 'utf8')) as {
    features: Array<{ geometry: { type: string; coordinates: Route } }>;
  };
  return roads.features.filter((f) => f.geometry.type === 'LineString' && f.geometry.coordinates.length >= 2).map((f) => f.geometry.coordinates);
}

function summaryAt(id: string, route: Route, tick: number, offset: number): VehicleSummary {
  const n = route.length;
  // Half a road vertex a second, each vehicle from its own point of the road: vehicles spread
  // along the roads as a real fleet does, not stacked on the vertices.
  const span = 2 * n - 2 || 1;
  const step = (((tick + offset * 0.618) * 0.5) % span + span) % span;
  const along = step < n - 1 ? step : span - step;
  const k = Math.min(Math.floor(along), n - 1);
  const t = along - k;
  const [lon0, lat0] = route[k]!;
  const [lon1, lat1] = route[Math.min(k + 1, n - 1)]!;
  const [lon, lat] = [lon0 + (lon1 - lon0) * t, lat0 + (lat1 - lat0) * t];
  const moving = n > 1;
  return {
    id,
    lon,
    lat,
    speedKph: moving ? 30 + (offset % 40) : 0,
    headingDeg: (offset * 37) % 360,
    motion: moving ? 'driving' : 'parked',
    health: offset % 50 === 0 ? 'warn' : 'ok',
    connectivity: 'online',
    odometerKm: 1_000 + tick / 100,
    updatedAt: Date.now(),
  };
}

/**
 * The fleet as twin hosts publish it: FleetDeltas on fleet.deltas.<hostId>, every vehicle moving
 * half a road vertex each second, in batches of `batch` vehicles.
 */
export function startFleetFeed(nc: NatsConnection, options: { vehicles: number; hosts: number; batch: number }): { stop(): void } {
  const routes = loadRoutes();
  const run = Date.now().toString(36);
  const ids = Array.from({ length: options.vehicles }, (_, i) => `B${run}-${String(i).padStart(5, '0')}`);
  let tick = 0;
  const publish = () => {
    for (let h = 0; h < options.hosts; h++) {
      const hostId = `bench-map-${run}-${h}`;
      const mine = ids.filter((_, i) => i % options.hosts === h);
      for (let b = 0; b < mine.length; b += options.batch) {
        const vehicles = mine.slice(b, b + options.batch).map((id, j) => {
          const i = h + (b + j) * options.hosts;
          return summaryAt(id, routes[i % routes.length]!, tick, i);
        });
        // Full batches come in several messages; only a host's whole list may be marked full, so
        // the bench sends changes only (every vehicle moved), like a host between full batches.
        const delta: FleetDelta = { hostId, at: Date.now(), full: false, vehicles };
        nc.publish(subjects.fleetDeltas(hostId), JSON.stringify(delta));
      }
    }
    tick++;
  };
  publish();
  const timer = setInterval(publish, 1_000);
  return { stop: () => clearInterval(timer) };
}
