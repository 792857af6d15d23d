import pg from 'pg';
import { migrate } from '../infra/db/migrate';
import { parseFirmwareLabel } from '../infra/pki/manifest';
import type { Simulation } from './simulation';

export interface RegistryOptions {
  /** Region of the simulated depots (OTA campaigns can target a region). */
  region: string;
  /** IANA time zone of the depots (maintenance windows use their local hours). */
  timezone: string;
}

/**
 * Writes the simulated fleet into the registry (depots, vehicles, devices with hardware model and
 * firmware version), as a fleet operator's inventory would be, so OTA campaigns can target it.
 * Upserts: a restarted simulator updates its rows. Returns how many devices were registered.
 */
export async function registerFleet(databaseUrl: string, sim: Simulation, options: RegistryOptions): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    // The registry must exist; with `fleet up` the recorder may be migrating at this very moment.
    await migrate(pool);
    const depots = [...new Set(sim.fleet.vehicles.map((v) => v.depot))];
    const depotId = (index: number) => `D${String(index + 1).padStart(3, '0')}`;
    await pool.query(
      `INSERT INTO depots (id, name, lat, lon, timezone, region)
       SELECT d.id, d.name, d.lat, d.lon, $5, $6 FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS d(id, name, lat, lon)
       ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone, region = excluded.region`,
      [
        depots.map(depotId),
        depots.map((i) => `simulated depot ${i + 1}`),
        depots.map((i) => sim.fleet.world.depots[i]?.lat ?? null),
        depots.map((i) => sim.fleet.world.depots[i]?.lon ?? null),
        options.timezone,
        options.region,
      ],
    );
    const vehicles = sim.fleet.vehicles;
    await pool.query(
      `INSERT INTO vehicles (id, depot_id, make, model) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (id) DO UPDATE SET depot_id = excluded.depot_id, make = excluded.make, model = excluded.model, updated_at = now()`,
      [vehicles.map((v) => v.id), vehicles.map((v) => depotId(v.depot)), vehicles.map((v) => v.model.make), vehicles.map((v) => v.model.model)],
    );
    const devices = sim.devices.map((d) => ({ d, label: parseFirmwareLabel(d.firmware) }));
    await pool.query(
      `INSERT INTO devices (id, vehicle_id, kind, format, firmware, hardware_model)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (id) DO UPDATE SET vehicle_id = excluded.vehicle_id, kind = excluded.kind, format = excluded.format,
         firmware = excluded.firmware, hardware_model = excluded.hardware_model, updated_at = now()`,
      [
        devices.map(({ d }) => d.id),
        devices.map(({ d }) => d.vehicle.id),
        devices.map(({ d }) => d.kind),
        devices.map(({ d }) => d.format),
        devices.map(({ label }) => label?.version ?? null),
        devices.map(({ d, label }) => label?.hardwareModel ?? d.firmware),
      ],
    );
    return devices.length;
  } finally {
    await pool.end();
  }
}
