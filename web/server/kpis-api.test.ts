import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { openDatabase } from '../../infra/db/pool';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { fleetKpisResponse, type FleetKpis } from './kpis-api';

/** The KPI API on a real, migrated registry: bad windows refused, silent vehicles count as down. */
let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'web_kpis');
  await migrate(db.pool);
});
afterAll(() => db?.drop());

const url = (query: string) => new URL(`http://web/api/kpis${query}`);

describe('KPI API', () => {
  it('refuses a window out of range or an unknown parameter with 400', async () => {
    const zero = await fleetKpisResponse(async () => db.pool, url('?hours=0'));
    expect(zero.status).toBe(400);
    expect(((await zero.json()) as { error: string }).error).toMatch(/query\.hours/);
    expect((await fleetKpisResponse(async () => db.pool, url('?days=3'))).status).toBe(400);
  });

  it('an empty registry has no vehicles; a registered vehicle that never reported counts with 0 % uptime', async () => {
    const empty = (await (await fleetKpisResponse(async () => db.pool, url(''))).json()) as FleetKpis;
    expect(empty.vehicles).toBe(0);
    await db.pool.query(`INSERT INTO vehicles (id) VALUES ('KPI1')`);
    const body = (await (await fleetKpisResponse(async () => db.pool, url('?hours=1'))).json()) as FleetKpis;
    expect(body.vehicles).toBe(1);
    expect(body.kpis.uptime).toMatchObject({ n: 1, mean: 0 });
    expect(body.kpis.safetyScore.n).toBe(0); // no km driven: no score, not a perfect one
    expect(body.to - body.from).toBe(3_600_000);
  });

  it('answers 503 naming the server when PostgreSQL cannot be reached', async () => {
    const r = await fleetKpisResponse(() => openDatabase('postgres://nobody@127.0.0.1:1/none'), url(''));
    expect(r.status).toBe(503);
  });
});
