import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { openDatabase } from '../../infra/db/pool';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { vehiclesMatching, type FleetFacets } from '../lib/fleet-facets';
import { fleetFacetsResponse } from './fleet-facets';

/** The map's registry filters on a real, migrated registry. */
let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'web_facets');
  await migrate(db.pool);
  await db.pool.query(`INSERT INTO depots (id, name, region) VALUES ('DN', 'north', 'north'), ('DS', 'south', 'south'), ('DX', 'no region', NULL)`);
  await db.pool.query(
    `INSERT INTO vehicles (id, depot_id, make, model) VALUES
       ('F1', 'DN', 'Ford', 'Transit'), ('F2', 'DS', 'Ford', 'Transit'), ('F3', 'DS', 'Fiat', 'Ducato'), ('F4', 'DX', NULL, NULL)`,
  );
  await db.pool.query(
    `INSERT INTO devices (id, vehicle_id, kind, format, firmware, hardware_model) VALUES
       ('F1-gps', 'F1', 'gps', 'teltonika', '03.27', 'FMC130'), ('F1-obd', 'F1', 'obd', 'json', '1.4.0', 'OBD-X'),
       ('F2-gps', 'F2', 'gps', 'teltonika', '03.28', 'FMC130'), ('F3-gps', 'F3', 'gps', 'teltonika', NULL, 'FMC130')`,
  );
});
afterAll(() => db?.drop());

async function facets(): Promise<FleetFacets> {
  const response = await fleetFacetsResponse(async () => db.pool);
  expect(response.status).toBe(200);
  return (await response.json()) as FleetFacets;
}

const sorted = (ids: ReadonlySet<string> | null) => (ids === null ? null : [...ids].sort());

describe('fleet facets API', () => {
  it('lists every vehicle under its region, make and model, and each firmware its devices run; what is not known is "unknown"', async () => {
    const f = await facets();
    expect(f.region).toEqual({ north: ['F1'], south: expect.arrayContaining(['F2', 'F3']), unknown: ['F4'] });
    expect(f.model).toEqual({ 'Ford Transit': expect.arrayContaining(['F1', 'F2']), 'Fiat Ducato': ['F3'], unknown: ['F4'] });
    expect(f.firmware).toEqual({ '03.27': ['F1'], '1.4.0': ['F1'], '03.28': ['F2'], unknown: expect.arrayContaining(['F3', 'F4']) });
  });

  it('facets chosen together let through only the vehicles that have all of them; none chosen lets all through', async () => {
    const f = await facets();
    expect(vehiclesMatching(f, {})).toBeNull();
    expect(sorted(vehiclesMatching(f, { model: 'Ford Transit' }))).toEqual(['F1', 'F2']);
    expect(sorted(vehiclesMatching(f, { model: 'Ford Transit', region: 'south' }))).toEqual(['F2']);
    expect(sorted(vehiclesMatching(f, { model: 'Ford Transit', firmware: '1.4.0' }))).toEqual(['F1']);
    // A value no vehicle has any more (the registry moved on) shows nothing rather than everything.
    expect(sorted(vehiclesMatching(f, { region: 'gone' }))).toEqual([]);
  });

  it('answers 503 naming the server when PostgreSQL cannot be reached', async () => {
    const r = await fleetFacetsResponse(() => openDatabase('postgres://nobody@127.0.0.1:1/none'));
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: string }).error).toMatch(/127\.0\.0\.1:1/);
  });
});
